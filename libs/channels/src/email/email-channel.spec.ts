import { loadConfig } from '@brigade/config';
import { replyTokenOf } from './email-address';
import { EmailTokens } from './email-tokens';
import { htmlToPlainText } from './html-text';
import { withoutQuotedHistory } from './inbound-mail';

const CONVERSATION = '0b5c7a52-4f8e-4d1e-9a57-3c2b1d0e9f61';

describe('e-mail channel: tokens, reply addresses, quoted history, HTML to text', () => {
  const tokens = new EmailTokens(loadConfig({ EMAIL_CONTINUE_LINK_TTL_HOURS: '2' }));

  it('gives a reply token that names its conversation, survives case folding, and refuses any altered one', () => {
    const token = tokens.replyToken(CONVERSATION);
    expect(token).toMatch(/^[0-9a-f]{32}-[0-9a-f]{16}$/);
    expect(tokens.verifyReplyToken(token)).toBe(CONVERSATION);
    expect(tokens.verifyReplyToken(token.toUpperCase())).toBe(CONVERSATION);
    const other = tokens.replyToken('1b5c7a52-4f8e-4d1e-9a57-3c2b1d0e9f61');
    expect(tokens.verifyReplyToken(`${token.slice(0, 33)}${other.slice(33)}`)).toBeNull();
    expect(tokens.verifyReplyToken(`${'0'.repeat(32)}-${token.slice(33)}`)).toBeNull();
    expect(tokens.verifyReplyToken('nonsense')).toBeNull();
  });

  it('gives a continue token valid until its expiry only, and never as a reply token', () => {
    const now = Date.now();
    const token = tokens.continueToken(CONVERSATION, now);
    expect(tokens.verifyContinueToken(token, now + 3_600_000)).toBe(CONVERSATION);
    expect(tokens.verifyContinueToken(token, now + 2 * 3_600_000 + 1)).toBeNull();
    expect(tokens.verifyContinueToken(`${token}x`, now)).toBeNull();
    expect(tokens.verifyContinueToken(token.replace(/\.\d+\./, `.${now + 1e9}.`), now)).toBeNull();
    expect(tokens.verifyReplyToken(token)).toBeNull();
    expect(tokens.verifyContinueToken(42, now)).toBeNull();
  });

  it('finds the reply token among the recipients, for our own domain only', () => {
    expect(replyTokenOf(['Autre <a@b.fr>', 'reply+abc@Reponses.Example.fr'], 'reponses.example.fr')).toBe('abc');
    expect(replyTokenOf(['reply+abc@ailleurs.example'], 'reponses.example.fr')).toBeNull();
  });

  it('keeps the citizen’s own words and cuts the quoted thread in the usual forms', () => {
    expect(withoutQuotedHistory('Merci.\n\n--- Écrivez votre réponse au-dessus de cette ligne ---\nMessage de X')).toBe('Merci.');
    expect(withoutQuotedHistory('Oui.\r\n\r\nLe lun. 7 déc. 2026 à 10:00, Brigade <x@y.fr> a écrit :\r\n> Bonjour')).toBe('Oui.');
    expect(withoutQuotedHistory('Yes.\nOn Mon, 7 Dec 2026 at 10:00, Brigade wrote:\n> Hello')).toBe('Yes.');
    expect(withoutQuotedHistory('Ja.\n\n-----Ursprüngliche Nachricht-----\nVon: x')).toBe('Ja.');
    expect(withoutQuotedHistory('Ligne 1\n> cité\nLigne 2\n-- \nSignature')).toBe('Ligne 1\nLigne 2');
  });

  it('turns HTML into plain text without scripts, styles, comments, images or tags', () => {
    const html =
      '<html><head><title>T</title><style>p{color:red}</style></head><body><!-- caché --><p>Bonjour&nbsp;<b>à&#160;vous</b> &amp; merci</p>' +
      '<script>alert(1)</script><ul><li>un</li><li>deux</li></ul><img src=x onerror=alert(2)>Fin &eacute;t&#xE9;<script>non fermé';
    expect(htmlToPlainText(html)).toBe('Bonjour à vous & merci\n- un\n- deux\n\nFin été');
  });
});

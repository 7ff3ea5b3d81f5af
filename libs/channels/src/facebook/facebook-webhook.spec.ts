import { checkFacebookSignature, facebookSignature } from './facebook-signature';
import { facebookReplyMode } from './facebook-reply-window';
import { parseFacebookWebhook } from './facebook-webhook.parser';

const HOUR = 3_600_000;

describe('facebookReplyMode', () => {
  const now = new Date('2026-03-10T12:00:00Z');
  const ago = (hours: number) => new Date(now.getTime() - hours * HOUR);

  it('answers freely within 24 hours of the citizen’s last message', () => {
    expect(facebookReplyMode(ago(0), now)).toEqual({ allowed: true, messagingType: 'RESPONSE' });
    expect(facebookReplyMode(ago(24), now)).toEqual({ allowed: true, messagingType: 'RESPONSE' });
  });

  it('uses the HUMAN_AGENT tag from 24 hours to 7 days', () => {
    expect(facebookReplyMode(ago(24.01), now)).toEqual({ allowed: true, messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    expect(facebookReplyMode(ago(168), now)).toEqual({ allowed: true, messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
  });

  it('refuses after 7 days, and when the citizen never wrote', () => {
    expect(facebookReplyMode(ago(168.01), now)).toMatchObject({ allowed: false, reason: expect.stringMatching(/7-day/) });
    expect(facebookReplyMode(null, now).allowed).toBe(false);
  });
});

describe('checkFacebookSignature', () => {
  const body = Buffer.from('{"object":"page","entry":[]}');

  it('accepts the hex HMAC of the raw body and nothing else', () => {
    expect(checkFacebookSignature(body, facebookSignature(body, 'secret'), 'secret')).toBe('valid');
    expect(checkFacebookSignature(body, facebookSignature(body, 'other'), 'secret')).toBe('invalid');
    expect(checkFacebookSignature(Buffer.from(`${body} `), facebookSignature(body, 'secret'), 'secret')).toBe('invalid');
    expect(checkFacebookSignature(body, 'sha1=abcdef', 'secret')).toBe('invalid');
    expect(checkFacebookSignature(body, undefined, 'secret')).toBe('missing');
  });
});

describe('parseFacebookWebhook', () => {
  const pages = new Set(['P1']);

  it('keeps the good events of a batch beside a malformed one, in timestamp order', () => {
    const parsed = parseFacebookWebhook(
      {
        object: 'page',
        entry: [
          {
            id: 'P1',
            messaging: [
              { sender: { id: 'U1' }, recipient: { id: 'P1' }, timestamp: 20, message: { mid: 'b', text: 'second' } },
              { sender: { id: 'U1' }, recipient: { id: 'P1' }, timestamp: 10, message: { mid: 'a', text: 'first' } },
              'not an event',
              { sender: { id: 'U2' }, recipient: { id: 'P1' }, timestamp: 30, postback: { title: 'Oui', payload: 'YES', mid: 'pb' } },
              { sender: { id: 'U2' }, recipient: { id: 'P1' }, timestamp: 31, read: { watermark: 31 } },
            ],
          },
          { id: 'P9', messaging: [{ sender: { id: 'U3' }, message: { mid: 'x', text: 'elsewhere' } }] },
        ],
      },
      pages,
    );
    expect(parsed.messages.map((message) => [message.channelMessageId, message.text])).toEqual([
      ['a', 'first'],
      ['b', 'second'],
      ['pb', 'Oui'],
    ]);
    expect(parsed.receipts).toEqual([
      { kind: 'read', channel: 'facebook', channelAccount: 'P1', citizenId: 'U2', watermark: new Date(31) },
    ]);
    expect(parsed.unknownAccounts).toEqual(['P9']);
    expect(parsed.rejected).toHaveLength(1);
  });

  it('turns an echo into a receipt carrying our message id, never into a message', () => {
    const ours = '0b7c3c86-6a43-4f5e-9a3b-5d1f2f3c4e5a';
    const parsed = parseFacebookWebhook(
      {
        object: 'page',
        entry: [{ id: 'P1', messaging: [{ sender: { id: 'P1' }, recipient: { id: 'U1' }, message: { mid: 'm1', is_echo: true, metadata: ours } }] }],
      },
      pages,
    );
    expect(parsed.messages).toEqual([]);
    expect(parsed.receipts).toEqual([
      { kind: 'echo', channel: 'facebook', channelAccount: 'P1', citizenId: 'U1', providerMessageId: 'm1', ourMessageId: ours },
    ]);
  });

  it('keeps attachments as typed links and a location as a geo link', () => {
    const parsed = parseFacebookWebhook(
      {
        object: 'page',
        entry: [
          {
            id: 'P1',
            messaging: [
              {
                sender: { id: 'U1' },
                timestamp: 1,
                message: {
                  mid: 'm',
                  attachments: [
                    { type: 'audio', payload: { url: 'https://cdn.example/a.mp4' } },
                    { type: 'location', payload: { coordinates: { lat: 48.85, long: 2.35 } } },
                    { type: 'template', payload: {} },
                  ],
                },
              },
            ],
          },
        ],
      },
      pages,
    );
    expect(parsed.messages[0].attachments).toEqual([
      { type: 'audio', url: 'https://cdn.example/a.mp4' },
      { type: 'location', url: 'geo:48.85,2.35' },
    ]);
  });
});

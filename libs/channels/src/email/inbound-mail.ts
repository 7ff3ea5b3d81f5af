import type { AddressObject, Attachment, ParsedMail } from 'mailparser';
import { isEmailAddress, normaliseEmailAddress } from './email-address';
import { ALL_MARKERS } from './email-texts';
import { htmlToPlainText } from './html-text';

/** Longest citizen text kept from one mail (the rest is a quoted thread or an attachment pasted inline). */
export const INBOUND_TEXT_LIMIT = 20_000;

export type InboundMailReading =
  | { kind: 'malformed'; reason: string }
  /** A delivery status notification about mails we sent (RFC 3464): failed for good, or only delayed. */
  | { kind: 'bounce'; originalMessageIds: string[]; failed: boolean; diagnostic: string }
  | {
      kind: 'message';
      from: string;
      /** The sender's Message-ID, or null when it gave none. */
      messageId: string | null;
      /** In-Reply-To first, then References from the newest: the mails it answers. */
      answers: string[];
      recipients: string[];
      text: string;
      sentAt: Date | null;
    };

const MESSAGE_ID = /<[^<>\s]{1,250}>/g;

/** Reads a parsed mail (mailparser) into what the channel needs: a bounce, a citizen's message, or malformed. */
export function readInboundMail(parsed: ParsedMail): InboundMailReading {
  if (parsed.headers.size === 0) return { kind: 'malformed', reason: 'no header' };
  const contentType = parsed.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  if (contentType?.value === 'multipart/report' && contentType.params?.['report-type']?.toLowerCase() === 'delivery-status') {
    return readBounce(parsed);
  }
  const fromAddress = firstAddress(parsed.from);
  if (!fromAddress || !isEmailAddress(fromAddress)) return { kind: 'malformed', reason: 'no valid From address' };
  const answers = [
    ...idsOf(parsed.inReplyTo),
    ...[...idsOf(parsed.references)].reverse(),
  ].filter((id, index, all) => all.indexOf(id) === index);
  return {
    kind: 'message',
    from: normaliseEmailAddress(fromAddress),
    messageId: idsOf(parsed.messageId)[0] ?? null,
    answers,
    recipients: [...addressesOf(parsed.to), ...addressesOf(parsed.cc)],
    // The text part, else the HTML part as plain text (parsed with skipHtmlToText): the desk only shows plain text.
    text: withoutQuotedHistory(bodyText(parsed)).slice(0, INBOUND_TEXT_LIMIT),
    sentAt: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date : null,
  };
}

/**
 * The citizen's own words: everything from our marker line, from an "On ... wrote:" line or an "Original message"
 * separator is the thread they answer; quoted lines ("> ...") and a signature separator end it too.
 */
export function withoutQuotedHistory(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  for (const line of lines) {
    const trimmed = line.trim();
    if (ALL_MARKERS.some((marker) => trimmed.includes(marker))) break;
    if (/^(le|on|am|il|el)\b.{0,300}(a écrit|wrote|schrieb|ha scritto|escribió)\s*:\s*$/i.test(trimmed)) break;
    if (/^-{2,}\s*(original message|message d.origine|ursprüngliche nachricht|messaggio originale|mensaje original)/i.test(trimmed)) break;
    if (/^(de|from|von|da)\s*:\s.+/i.test(trimmed) && kept.length > 0 && kept[kept.length - 1].trim() === '') break;
    if (line === '-- ') break;
    if (trimmed.startsWith('>')) continue;
    kept.push(line);
  }
  return kept.join('\n').trim();
}

function bodyText(parsed: ParsedMail): string {
  const text = parsed.text ?? '';
  if (text.trim() || typeof parsed.html !== 'string') return text;
  return htmlToPlainText(parsed.html);
}

function readBounce(parsed: ParsedMail): InboundMailReading {
  const parts = parsed.attachments.filter((attachment) =>
    ['message/delivery-status', 'text/rfc822-headers', 'message/rfc822', 'message/global-headers', 'message/global'].includes(
      attachment.contentType.toLowerCase(),
    ),
  );
  // mailparser reads a message/delivery-status part as text of the mail.
  const status = `${partText(parts, 'message/delivery-status')}\n${parsed.text ?? ''}`;
  const actions = [...status.matchAll(/^Action:\s*(\S+)/gim)].map((match) => match[1].toLowerCase());
  const failed = actions.length === 0 || actions.includes('failed');
  const diagnostic =
    /^Diagnostic-Code:\s*(.+)$/im.exec(status)?.[1]?.trim() ?? /^Status:\s*(\S+)/im.exec(status)?.[1] ?? 'delivery failed';
  const returned = parts
    .filter((part) => part.contentType.toLowerCase() !== 'message/delivery-status')
    .map((part) => part.content.toString('utf8'))
    .join('\n');
  const originalMessageIds = [...returned.matchAll(/^Message-ID:\s*(<[^<>\s]+>)/gim)].map((match) => match[1]);
  return { kind: 'bounce', originalMessageIds, failed, diagnostic: diagnostic.slice(0, 300) };
}

function partText(parts: Attachment[], contentType: string): string {
  return parts
    .filter((part) => part.contentType.toLowerCase() === contentType)
    .map((part) => part.content.toString('utf8'))
    .join('\n');
}

function idsOf(value: string | string[] | undefined): string[] {
  const text = Array.isArray(value) ? value.join(' ') : (value ?? '');
  return text.match(MESSAGE_ID) ?? [];
}

function addressesOf(value: AddressObject | AddressObject[] | undefined): string[] {
  const objects = Array.isArray(value) ? value : value ? [value] : [];
  return objects.flatMap((object) => object.value.map((entry) => entry.address ?? '').filter(Boolean));
}

function firstAddress(value: AddressObject | undefined): string | null {
  return value?.value[0]?.address ?? null;
}

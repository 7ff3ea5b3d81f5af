import type { NormalisedInboundMessage } from './inbound-message';

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * PostgreSQL text and jsonb cannot hold NUL, and other C0 controls have no business in a chat message:
 * they are dropped, keeping tabs and line breaks. Everything else (emoji, accents, right-to-left text) is kept as sent.
 */
export function withoutControlCharacters(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '');
}

/**
 * Makes any string storable: a lone UTF-16 surrogate (which jsonb refuses as `\ud800`) becomes U+FFFD, the
 * replacement character, and NUL (which neither text nor jsonb can hold) is dropped.
 */
export function storableString(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(LONE_SURROGATE, '\uFFFD').replace(/\u0000/g, '');
}

function repairValue(value: unknown): unknown {
  if (typeof value === 'string') return storableString(value);
  if (Array.isArray(value)) return value.map(repairValue);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [storableString(key), repairValue(inner)]));
  }
  return value;
}

/**
 * A normalised inbound message made safe to store, in every field (sender name, address, attachments included): what
 * can be repaired is repaired. Its text also loses its control characters.
 */
export function repairInbound(message: NormalisedInboundMessage): NormalisedInboundMessage {
  const repaired = repairValue(message) as NormalisedInboundMessage;
  return { ...repaired, text: withoutControlCharacters(repaired.text ?? '') };
}

/** Nothing left to show: no text after cleaning, no attachment. */
export function isEmptyInbound(message: NormalisedInboundMessage): boolean {
  return message.text.trim() === '' && (message.attachments?.length ?? 0) === 0;
}

/**
 * Whether a storage failure would happen again on retry: PostgreSQL refusing the data itself (SQLSTATE classes 22 data
 * exception, 23 integrity, 42 statement, 54 limits). Anything else (no connection, a shutdown, a deadlock, a timeout)
 * is transient: the caller answers 5xx and the provider retries.
 */
export function isPermanentStorageFailure(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && /^(22|23|42|54)[0-9A-Z]{3}$/.test(code);
}

/** A web chat message empty after cleaning (e.g. only NUL characters): the citizen is told, nothing is stored. */
export class EmptyMessageError extends Error {
  constructor() {
    super('Message vide : écrivez du texte');
    this.name = 'EmptyMessageError';
  }
}

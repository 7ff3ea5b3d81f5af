// What the webhook code of every channel shares, so that no channel folder imports another one.

/** The outcome of checking a webhook's signature header against the raw body. */
export type SignatureCheck = 'valid' | 'missing' | 'invalid';

/** A JSON object (not null, not an array): provider payloads are checked with it before any field is read. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

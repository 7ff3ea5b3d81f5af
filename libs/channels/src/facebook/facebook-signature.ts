import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SignatureCheck } from '../webhook-input';

export type { SignatureCheck } from '../webhook-input';

/**
 * Meta signs the raw body: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, body)>`.
 * The legacy sha1 header alone is not accepted.
 */
export function checkFacebookSignature(rawBody: Buffer, header: string | undefined, appSecret: string): SignatureCheck {
  if (!header) return 'missing';
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!match) return 'invalid';
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  const given = Buffer.from(match[1], 'hex');
  return timingSafeEqual(expected, given) ? 'valid' : 'invalid';
}

export function facebookSignature(rawBody: Buffer | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

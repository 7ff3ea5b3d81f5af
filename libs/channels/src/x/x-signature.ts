import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SignatureCheck } from '../webhook-input';

/** X signs the raw body with the consumer secret: `x-twitter-webhooks-signature: sha256=<base64 HMAC-SHA256>`. */
export function checkXSignature(rawBody: Buffer, header: string | undefined, consumerSecret: string): SignatureCheck {
  if (!header) return 'missing';
  const match = /^sha256=([A-Za-z0-9+/]{43}=)$/.exec(header.trim());
  if (!match) return 'invalid';
  const expected = createHmac('sha256', consumerSecret).update(rawBody).digest();
  const given = Buffer.from(match[1], 'base64');
  return given.length === expected.length && timingSafeEqual(expected, given) ? 'valid' : 'invalid';
}

export function xSignature(rawBody: Buffer | string, consumerSecret: string): string {
  return `sha256=${createHmac('sha256', consumerSecret).update(rawBody).digest('base64')}`;
}

/** The answer to X's challenge-response check, proving we hold the consumer secret. */
export function xCrcResponse(crcToken: string, consumerSecret: string): { response_token: string } {
  return { response_token: xSignature(crcToken, consumerSecret) };
}

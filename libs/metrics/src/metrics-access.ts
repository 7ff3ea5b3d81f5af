import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Metrics reveal load and queue sizes: they are served to a caller holding METRICS_TOKEN as a bearer token,
 * or, without a token, only to a direct loopback caller (a request relayed by a proxy carries
 * X-Forwarded-For and is refused, since the proxy itself connects from loopback).
 */
export function mayReadMetrics(token: string, remoteAddress: string | undefined, headers: IncomingHttpHeaders): boolean {
  const header = headers.authorization;
  if (token && typeof header === 'string' && header.startsWith('Bearer ')) {
    const given = Buffer.from(header.slice(7));
    const expected = Buffer.from(token);
    if (given.length === expected.length && timingSafeEqual(given, expected)) return true;
  }
  const relayed = headers['x-forwarded-for'] !== undefined || headers['forwarded'] !== undefined;
  return !relayed && remoteAddress !== undefined && LOOPBACK.has(remoteAddress);
}

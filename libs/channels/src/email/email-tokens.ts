import { Inject, Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '@brigade/config';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The two signed tokens of the e-mail channel, both keyed by a key derived from WEBCHAT_TOKEN_SECRET (no new secret
 * to manage, and a token of one kind is never valid as the other):
 * - the reply token of the Reply-To address (reply+<token>@domain): the conversation id and a 64-bit HMAC, in lower
 *   case hex because mail servers may fold the case of a local part; it does not expire (a citizen may answer weeks
 *   later), and the sender must still be the conversation's own address;
 * - the continue token of the "continue in the web chat" link: conversation id, expiry and HMAC.
 */
@Injectable()
export class EmailTokens {
  private readonly key: Buffer;
  private readonly continueTtlMs: number;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.key = createHmac('sha256', config.webchat.tokenSecret).update('brigade e-mail channel tokens').digest();
    this.continueTtlMs = config.mail.continueLinkTtlHours * 3_600_000;
  }

  replyToken(conversationId: string): string {
    const id = conversationId.replace(/-/g, '');
    return `${id}-${this.sign(`reply:${id}`).toString('hex').slice(0, 16)}`;
  }

  /** The conversation id of a valid reply token; null for anything else. */
  verifyReplyToken(token: string): string | null {
    const match = /^([0-9a-f]{32})-([0-9a-f]{16})$/.exec(token.toLowerCase());
    if (!match) return null;
    const expected = this.sign(`reply:${match[1]}`).toString('hex').slice(0, 16);
    if (!timingSafeEqual(Buffer.from(expected), Buffer.from(match[2]))) return null;
    const hex = match[1];
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  continueToken(conversationId: string, now = Date.now()): string {
    const body = `${conversationId}.${now + this.continueTtlMs}`;
    return `${body}.${this.sign(`continue:${body}`).toString('base64url')}`;
  }

  /** The conversation id of a valid, unexpired continue token; null for anything else. */
  verifyContinueToken(token: unknown, now = Date.now()): string | null {
    if (typeof token !== 'string' || token.length > 200) return null;
    const [conversationId, expiresAt, signature, extra] = token.split('.');
    if (extra !== undefined || !conversationId || !UUID.test(conversationId) || !/^\d{1,16}$/.test(expiresAt ?? '') || !signature) {
      return null;
    }
    const expected = Buffer.from(this.sign(`continue:${conversationId}.${expiresAt}`).toString('base64url'));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    return Number(expiresAt) < now ? null : conversationId;
  }

  private sign(body: string): Buffer {
    return createHmac('sha256', this.key).update(body).digest();
  }
}

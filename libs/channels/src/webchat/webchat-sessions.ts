import { Inject, Injectable } from '@nestjs/common';
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '@brigade/config';

export interface WebchatSession {
  visitorId: string;
  token: string;
}

/**
 * The anonymous citizen's resumable token: "<visitorId>.<expiry>.<hmac>". Whoever holds it continues the
 * conversation (reload, new tab, network drop); nothing else identifies the citizen.
 */
@Injectable()
export class WebchatSessions {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  issue(visitorId: string = randomUUID()): WebchatSession {
    const expiresAt = Date.now() + this.config.webchat.tokenTtlDays * 86_400_000;
    const body = `${visitorId}.${expiresAt}`;
    return { visitorId, token: `${body}.${this.sign(body)}` };
  }

  /** The visitor id of a valid, unexpired token; null for anything else. */
  verify(token: unknown): string | null {
    if (typeof token !== 'string' || token.length > 256) return null;
    const parts = token.split('.');
    if (parts.length !== 3) return null;
    const [visitorId, expiresAt, signature] = parts;
    if (!/^[0-9a-f-]{36}$/.test(visitorId) || !/^\d+$/.test(expiresAt)) return null;
    const expected = Buffer.from(this.sign(`${visitorId}.${expiresAt}`));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    if (Number(expiresAt) < Date.now()) return null;
    return visitorId;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.config.webchat.tokenSecret).update(body).digest('base64url');
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { Agent as HttpAgent } from 'node:http';
import { ApiRequestError, ApiResponseError, TwitterApi } from 'twitter-api-v2';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { PermanentDeliveryError, TransientDeliveryError } from '../channel-adapter';

/** The DM calls of the X channel through twitter-api-v2, one user-context client per configured account. */
@Injectable()
export class XDmClient {
  private readonly settings: AppConfig['channels']['x'];
  private readonly timeoutMs: number;
  private readonly clients = new Map<string, TwitterApi>();

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.settings = config.channels.x;
    this.timeoutMs = config.channels.sendTimeoutMs;
  }

  hasAccount(accountId: string): boolean {
    return Object.hasOwn(this.settings.accounts, accountId);
  }

  async sendDm(accountId: string, participantId: string, text: string): Promise<{ eventId: string }> {
    const client = this.clientFor(accountId);
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new TransientDeliveryError(`X did not answer within ${this.timeoutMs} ms`)), this.timeoutMs);
      });
      // The declared return type is wrong: at run time the result is {data: {dm_conversation_id, dm_event_id}}.
      const result = (await Promise.race([client.v2.sendDmToParticipant(participantId, { text }), timeout])) as unknown as {
        data?: { dm_event_id?: string };
      };
      const eventId = result?.data?.dm_event_id;
      if (!eventId) throw new PermanentDeliveryError('no dm_event_id in the answer', 'X accepted the request but returned no message id');
      return { eventId };
    } catch (error) {
      throw this.classify(error);
    } finally {
      clearTimeout(timer);
    }
  }

  private classify(error: unknown): Error {
    if (error instanceof PermanentDeliveryError || error instanceof TransientDeliveryError) return error;
    if (error instanceof ApiResponseError) {
      const detail = `X error ${error.code}: ${error.message}`;
      if (error.code === 429 || error.rateLimitError) {
        const reset = error.rateLimit?.reset;
        const wait = reset ? Math.max(1000, reset * 1000 - Date.now()) : this.settings.rateLimitWaitMs;
        return new TransientDeliveryError(`rate limited by X (${detail})`, wait);
      }
      if (error.code >= 500) return new TransientDeliveryError(detail);
      if (error.code === 401) return new PermanentDeliveryError(detail, 'X refused the account credentials (401): an administrator must renew them');
      if (error.code === 403) {
        return new PermanentDeliveryError(detail, 'X refused the message (403): the citizen does not accept direct messages from this account');
      }
      return new PermanentDeliveryError(detail, `X refused the message (HTTP ${error.code})`);
    }
    if (error instanceof ApiRequestError) return new TransientDeliveryError(`X unreachable: ${error.message}`);
    return new TransientDeliveryError(error instanceof Error ? error.message : String(error));
  }

  private clientFor(accountId: string): TwitterApi {
    const existing = this.clients.get(accountId);
    if (existing) return existing;
    const account = this.settings.accounts[accountId];
    if (!account) throw new PermanentDeliveryError(`account ${accountId} not configured`, `X account ${accountId} is not configured on this platform`);
    const plainHttp = this.settings.apiBaseUrl.startsWith('http://');
    const client = new TwitterApi(
      {
        appKey: this.settings.consumerKey,
        appSecret: this.settings.consumerSecret,
        accessToken: account.accessToken,
        accessSecret: account.accessSecret,
      },
      // The client always uses https.request; a plain-http base URL (a loopback fake) needs an http agent.
      plainHttp ? { httpAgent: new HttpAgent({ keepAlive: true }) } : {},
    );
    // setPrefix is protected in the typings but is the library's way to point the v2 client elsewhere.
    (client.v2 as unknown as { setPrefix(prefix: string): void }).setPrefix(this.settings.apiBaseUrl);
    this.clients.set(accountId, client);
    return client;
  }
}

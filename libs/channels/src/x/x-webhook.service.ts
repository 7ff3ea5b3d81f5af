import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { ChannelWebhookIntake, WebhookOutcome } from '../channel-webhook-intake';
import { parseXWebhook } from './x-webhook.parser';
import { checkXSignature, xCrcResponse } from './x-signature';

/** The X webhook: CRC challenge, then signed DM events (Account Activity or X Activity API). */
@Injectable()
export class XWebhookService {
  private readonly settings: AppConfig['channels']['x'];
  private readonly bodyLimit: number;
  private readonly accounts: ReadonlySet<string>;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly intake: ChannelWebhookIntake,
  ) {
    this.settings = config.channels.x;
    this.bodyLimit = config.channels.webhookBodyLimitBytes;
    this.accounts = new Set(Object.keys(this.settings.accounts));
  }

  get enabled(): boolean {
    return this.settings.enabled;
  }

  /** X's GET challenge-response check; null when the channel is off or there is no token. */
  crc(crcToken: unknown): { response_token: string } | null {
    if (!this.enabled || typeof crcToken !== 'string' || crcToken === '') return null;
    return xCrcResponse(crcToken, this.settings.consumerSecret);
  }

  async receive(rawBody: Buffer | undefined, signature: string | undefined, body: unknown): Promise<WebhookOutcome> {
    if (!this.enabled) return { status: 'disabled' };
    if (!rawBody) return { status: 'not-json' };
    if (rawBody.length > this.bodyLimit) return { status: 'too-large', limitBytes: this.bodyLimit };
    const check = checkXSignature(rawBody, signature, this.settings.consumerSecret);
    if (check === 'missing') return { status: 'missing-signature' };
    if (check === 'invalid') return { status: 'bad-signature' };
    return this.intake.accept('x', parseXWebhook(body, this.accounts));
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { ChannelWebhookIntake, WebhookOutcome } from '../channel-webhook-intake';
import { FacebookProfilesService } from './facebook-profiles.service';
import { checkFacebookSignature } from './facebook-signature';
import { parseFacebookWebhook } from './facebook-webhook.parser';

/** The Messenger webhook: subscription handshake, then signed event batches. */
@Injectable()
export class FacebookWebhookService {
  private readonly settings: AppConfig['channels']['facebook'];
  private readonly bodyLimit: number;
  private readonly pages: ReadonlySet<string>;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly intake: ChannelWebhookIntake,
    private readonly profiles: FacebookProfilesService,
  ) {
    this.settings = config.channels.facebook;
    this.bodyLimit = config.channels.webhookBodyLimitBytes;
    this.pages = new Set(Object.keys(this.settings.pages));
  }

  get enabled(): boolean {
    return this.settings.enabled;
  }

  /** Meta's GET handshake: the challenge when mode and verify token match, else null. */
  verifySubscription(mode: unknown, token: unknown, challenge: unknown): string | null {
    if (!this.enabled || mode !== 'subscribe' || typeof token !== 'string' || typeof challenge !== 'string') return null;
    const expected = Buffer.from(this.settings.verifyToken);
    const given = Buffer.from(token);
    return expected.length === given.length && timingSafeEqual(expected, given) ? challenge : null;
  }

  async receive(rawBody: Buffer | undefined, signature: string | undefined, body: unknown): Promise<WebhookOutcome> {
    if (!this.enabled) return { status: 'disabled' };
    if (!rawBody) return { status: 'not-json' };
    if (rawBody.length > this.bodyLimit) return { status: 'too-large', limitBytes: this.bodyLimit };
    const check = checkFacebookSignature(rawBody, signature, this.settings.appSecret);
    if (check === 'missing') return { status: 'missing-signature' };
    if (check === 'invalid') return { status: 'bad-signature' };
    const outcome = await this.intake.accept('facebook', parseFacebookWebhook(body, this.pages));
    if (outcome.status === 'accepted') {
      for (const message of outcome.stored) this.profiles.ensureDisplayName(message.channelAccount, message.sender.externalId);
    }
    return outcome;
  }
}

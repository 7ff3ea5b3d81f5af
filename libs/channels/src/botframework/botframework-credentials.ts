import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { loadBotFrameworkSdk } from './botframework-sdk';

/** What the connector client calls to put the bot's token on each request. */
export interface BotFrameworkRequestSigner {
  signRequest<T>(request: T): Promise<T>;
}

/**
 * Chooses how replies are signed: the bot's Microsoft app credentials (tokens from Microsoft's login service),
 * none when no app id is set (development with the Emulator), or a fixed bearer token (development and tests,
 * refused in production) so that tests never call Microsoft.
 */
@Injectable()
export class BotFrameworkCredentials {
  private signer: Promise<BotFrameworkRequestSigner> | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get(): Promise<BotFrameworkRequestSigner> {
    this.signer ??= this.create();
    return this.signer;
  }

  private async create(): Promise<BotFrameworkRequestSigner> {
    const sdk = await loadBotFrameworkSdk();
    const { appId, appPassword, appTenantId, channelService, staticBearerToken } = this.config.botframework;
    if (staticBearerToken) return new sdk.TokenCredentials(staticBearerToken) as unknown as BotFrameworkRequestSigner;
    const tenant = appTenantId || undefined;
    const credentials =
      channelService === sdk.GovernmentConstants.ChannelService
        ? new sdk.MicrosoftGovernmentAppCredentials(appId, appPassword, tenant)
        : new sdk.MicrosoftAppCredentials(appId, appPassword, tenant);
    return credentials as unknown as BotFrameworkRequestSigner;
  }
}

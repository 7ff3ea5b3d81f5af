import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import type { BotFrameworkAuthentication } from 'botframework-connector';
import { loadBotFrameworkSdk } from './botframework-sdk';

/** The request does not carry a valid connector token for this bot: refused, nothing stored. */
export class BotFrameworkUnauthorizedError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'BotFrameworkUnauthorizedError';
  }
}

/** The connector's signing keys could not be fetched: the connector should retry later. */
export class BotFrameworkKeysUnavailableError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'BotFrameworkKeysUnavailableError';
  }
}

/**
 * Checks the connector's JWT on each inbound Activity with botframework-connector: signature against the keys the
 * connector publishes (OpenID metadata), issuer, audience = our app id, expiry, channel endorsement, and that the
 * token was issued for the Activity's serviceUrl (so replies cannot be steered to another host).
 * With no app id configured the check is off, which only development allows.
 */
@Injectable()
export class BotFrameworkRequestAuthenticator {
  private readonly logger = new Logger(BotFrameworkRequestAuthenticator.name);
  private authentication: Promise<BotFrameworkAuthentication> | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get validatesTokens(): boolean {
    return this.config.botframework.appId !== '';
  }

  async authenticate(activity: Record<string, unknown>, authorization: string | undefined): Promise<void> {
    if (this.validatesTokens && !authorization?.trim()) throw new BotFrameworkUnauthorizedError('missing bearer token');
    const [sdk, authentication] = await Promise.all([loadBotFrameworkSdk(), this.load()]);
    try {
      await authentication.authenticateRequest(activity as never, authorization ?? '');
    } catch (error) {
      const status = error instanceof sdk.AuthenticationError ? error.statusCode : undefined;
      const reason = error instanceof Error ? error.message : String(error);
      if (status !== undefined && status >= 500) {
        this.logger.error({ err: error }, 'Bot Framework signing keys unavailable');
        throw new BotFrameworkKeysUnavailableError(reason);
      }
      throw new BotFrameworkUnauthorizedError(reason);
    }
  }

  private load(): Promise<BotFrameworkAuthentication> {
    this.authentication ??= this.create();
    return this.authentication;
  }

  private async create(): Promise<BotFrameworkAuthentication> {
    const sdk = await loadBotFrameworkSdk();
    const { appId, appPassword, appTenantId, channelService, openIdMetadataUrl, tokenIssuer } = this.config.botframework;
    const credentialsFactory = appTenantId
      ? new sdk.PasswordServiceClientCredentialFactory(appId, appPassword, appTenantId)
      : new sdk.PasswordServiceClientCredentialFactory(appId, appPassword);
    if (!openIdMetadataUrl) {
      return sdk.BotFrameworkAuthenticationFactory.create(
        channelService,
        true,
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        credentialsFactory,
        new sdk.AuthenticationConfiguration(),
      );
    }
    // Keys published somewhere else than Microsoft's public cloud: every endpoint is given explicitly.
    const constants = sdk.AuthenticationConstants;
    return sdk.BotFrameworkAuthenticationFactory.create(
      channelService,
      true,
      constants.ToChannelFromBotLoginUrl,
      constants.ToChannelFromBotOAuthScope,
      tokenIssuer,
      constants.OAuthUrl,
      openIdMetadataUrl,
      openIdMetadataUrl,
      'urn:botframework:azure',
      credentialsFactory,
      new sdk.AuthenticationConfiguration(),
    );
  }
}

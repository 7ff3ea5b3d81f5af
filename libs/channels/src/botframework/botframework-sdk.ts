import type * as BotFrameworkConnector from 'botframework-connector';

export type BotFrameworkSdk = typeof BotFrameworkConnector;

let loading: Promise<BotFrameworkSdk> | null = null;

/**
 * botframework-connector brings about 90 MB of @azure packages: it is loaded on first use, from this folder only,
 * so that processes and deployments that never see a Bot Framework activity do not pay for it.
 */
export function loadBotFrameworkSdk(): Promise<BotFrameworkSdk> {
  loading ??= import('botframework-connector');
  return loading;
}

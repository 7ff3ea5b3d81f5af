import { z } from 'zod';

/**
 * Settings of the Facebook Messenger and X channels. Both are off by default; an enabled channel without its
 * secrets is refused at boot, since its webhooks could not tell Meta or X from anyone else.
 */
const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

export const channelsEnvironmentShape = {
  // The webhook routes have their own body parser with this limit (above or below the 256 kB of the other routes).
  WEBHOOK_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(10_485_760).default(262144),
  CHANNEL_SEND_TIMEOUT_MS: z.coerce.number().int().min(100).max(120000).default(15000),
  CHANNEL_MAX_DELIVERY_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(12),
  FACEBOOK_ENABLED: booleanFromEnv.default(false),
  FACEBOOK_APP_SECRET: z.string().default(''),
  FACEBOOK_VERIFY_TOKEN: z.string().default(''),
  FACEBOOK_PAGES: z.string().default(''),
  FACEBOOK_GRAPH_BASE_URL: z.string().url().default('https://graph.facebook.com'),
  FACEBOOK_GRAPH_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/, 'a Graph API version such as v23.0')
    .default('v23.0'),
  FACEBOOK_FETCH_PROFILES: booleanFromEnv.default(true),
  FACEBOOK_RATE_LIMIT_WAIT_MS: z.coerce.number().int().min(100).default(60000),
  X_ENABLED: booleanFromEnv.default(false),
  X_CONSUMER_KEY: z.string().default(''),
  X_CONSUMER_SECRET: z.string().default(''),
  X_ACCOUNTS: z.string().default(''),
  X_API_BASE_URL: z.string().url().default('https://api.x.com/2/'),
  X_RATE_LIMIT_WAIT_MS: z.coerce.number().int().min(100).default(60000),
};

type ChannelsEnvironment = z.infer<z.ZodObject<typeof channelsEnvironmentShape>>;

/** Facebook pages and X accounts this deployment answers for, with their credentials. */
export interface ChannelsConfig {
  webhookBodyLimitBytes: number;
  sendTimeoutMs: number;
  /** Attempts of one reply, rate-limit waits included, before it is shown to the agent as failed. */
  maxDeliveryAttempts: number;
  facebook: {
    enabled: boolean;
    appSecret: string;
    verifyToken: string;
    /** Page id -> page access token. */
    pages: Record<string, { accessToken: string }>;
    graphBaseUrl: string;
    graphVersion: string;
    fetchProfiles: boolean;
    /** How long to wait after a rate-limit answer that does not say when access comes back. */
    rateLimitWaitMs: number;
  };
  x: {
    enabled: boolean;
    consumerKey: string;
    consumerSecret: string;
    /** X user id of each account -> its OAuth 1.0a user token. */
    accounts: Record<string, { accessToken: string; accessSecret: string }>;
    apiBaseUrl: string;
    rateLimitWaitMs: number;
  };
}

/** "id:secret[:secret2],id2:..." -> id -> [secret, ...]; page and X tokens never contain ',' or ':'. */
function parseCredentialList(value: string, variable: string, format: string, problems: string[]): Map<string, string[]> {
  const parts = format.split(':').length;
  const result = new Map<string, string[]>();
  for (const item of value.split(',').map((entry) => entry.trim()).filter(Boolean)) {
    const fields = item.split(':').map((field) => field.trim());
    if (fields.length !== parts || fields.some((field) => field === '')) {
      problems.push(`${variable}: each comma-separated entry must be ${format}`);
      continue;
    }
    result.set(fields[0], fields.slice(1));
  }
  return result;
}

/** Builds the channels section; returns the problems instead of throwing so that loadConfig lists them all. */
export function channelsConfigFromEnv(e: ChannelsEnvironment): { channels: ChannelsConfig; problems: string[] } {
  const problems: string[] = [];
  const pages = parseCredentialList(e.FACEBOOK_PAGES, 'FACEBOOK_PAGES', 'PAGE_ID:PAGE_TOKEN', problems);
  const accounts = parseCredentialList(e.X_ACCOUNTS, 'X_ACCOUNTS', 'USER_ID:ACCESS_TOKEN:ACCESS_SECRET', problems);
  if (e.FACEBOOK_ENABLED) {
    if (!e.FACEBOOK_APP_SECRET) problems.push('FACEBOOK_APP_SECRET: required when FACEBOOK_ENABLED (webhook signatures)');
    if (!e.FACEBOOK_VERIFY_TOKEN) problems.push('FACEBOOK_VERIFY_TOKEN: required when FACEBOOK_ENABLED');
    if (pages.size === 0) problems.push('FACEBOOK_PAGES: list at least one PAGE_ID:PAGE_TOKEN when FACEBOOK_ENABLED');
  }
  if (e.X_ENABLED) {
    if (!e.X_CONSUMER_KEY) problems.push('X_CONSUMER_KEY: required when X_ENABLED');
    if (!e.X_CONSUMER_SECRET) problems.push('X_CONSUMER_SECRET: required when X_ENABLED (CRC and webhook signatures)');
    if (accounts.size === 0) {
      problems.push('X_ACCOUNTS: list at least one USER_ID:ACCESS_TOKEN:ACCESS_SECRET when X_ENABLED');
    }
  }
  const channels: ChannelsConfig = {
    webhookBodyLimitBytes: e.WEBHOOK_BODY_LIMIT_BYTES,
    sendTimeoutMs: e.CHANNEL_SEND_TIMEOUT_MS,
    maxDeliveryAttempts: e.CHANNEL_MAX_DELIVERY_ATTEMPTS,
    facebook: {
      enabled: e.FACEBOOK_ENABLED,
      appSecret: e.FACEBOOK_APP_SECRET,
      verifyToken: e.FACEBOOK_VERIFY_TOKEN,
      pages: Object.fromEntries([...pages].map(([id, [accessToken]]) => [id, { accessToken }])),
      graphBaseUrl: e.FACEBOOK_GRAPH_BASE_URL.replace(/\/+$/, ''),
      graphVersion: e.FACEBOOK_GRAPH_VERSION,
      fetchProfiles: e.FACEBOOK_FETCH_PROFILES,
      rateLimitWaitMs: e.FACEBOOK_RATE_LIMIT_WAIT_MS,
    },
    x: {
      enabled: e.X_ENABLED,
      consumerKey: e.X_CONSUMER_KEY,
      consumerSecret: e.X_CONSUMER_SECRET,
      accounts: Object.fromEntries(
        [...accounts].map(([id, [accessToken, accessSecret]]) => [id, { accessToken, accessSecret }]),
      ),
      apiBaseUrl: e.X_API_BASE_URL.endsWith('/') ? e.X_API_BASE_URL : `${e.X_API_BASE_URL}/`,
      rateLimitWaitMs: e.X_RATE_LIMIT_WAIT_MS,
    },
  };
  return { channels, problems };
}

import { z } from 'zod';
import { ChannelsConfig, channelsConfigFromEnv, channelsEnvironmentShape } from './channels-config';
import { RedisSettings, parseSentinelNodes } from './redis-connection';
import { MfaConfig, SsoConfig, identityConfigFromEnv, identityEnvironmentShape } from './identity-config';
import { MailConfig, ReportsConfig, mailConfigFromEnv, mailEnvironmentShape } from './mail-config';
import {
  AttachmentsConfig,
  attachmentsConfigFromEnv,
  attachmentsEnvironmentShape,
} from './attachments-config';

/**
 * Every setting of the platform, read once from the environment and validated at boot.
 * Nothing else in the code base reads process.env.
 */

/** True for a time zone name the runtime knows (IANA, e.g. Europe/Paris, America/Cayenne). */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const DEV_JWT_SECRET = 'dev-only-jwt-secret-change-me-0123456789';
const DEV_WEBCHAT_SECRET = 'dev-only-webchat-secret-change-me-0123456789';
export const DEV_DEMO_PASSWORD = 'brigade-demo';

const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /**
   * Which direct peers are trusted reverse proxies, whose X-Forwarded-For gives the client address (per-address login
   * limits, logs): Express's `trust proxy` syntax, comma-separated addresses or CIDR subnets and the names loopback,
   * linklocal, uniquelocal (e.g. `loopback,172.16.0.0/12` for nginx in a Docker network). Never trust a peer a client
   * can reach directly: it could claim any address.
   */
  TRUST_PROXY: z
    .string()
    .regex(/^(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d{1,3})?)(\s*,\s*(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d{1,3})?))*$/, 'comma-separated addresses, subnets (CIDR) or loopback, linklocal, uniquelocal')
    .default('loopback'),
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/brigade'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(20),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  REDIS_PASSWORD: z.string().optional(),
  REDIS_SENTINELS: z.string().optional(),
  REDIS_SENTINEL_MASTER_NAME: z.string().regex(/^[a-zA-Z0-9._-]+$/, 'letters, digits, ".", "_" and "-" only').default('mymaster'),
  REDIS_SENTINEL_USERNAME: z.string().optional(),
  REDIS_SENTINEL_PASSWORD: z.string().optional(),
  // A Redis Cluster keeps every key of one BullMQ queue in one slot only with a hash tag: "{brigade}".
  QUEUE_PREFIX: z
    .string()
    .regex(
      /^(?:[a-zA-Z0-9:_-]+|\{[a-zA-Z0-9:_-]+\}[a-zA-Z0-9:_-]*)$/,
      'letters, digits, ":", "_" and "-" only, optionally starting with one hash tag such as {brigade}',
    )
    .default('brigade'),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').default(DEV_JWT_SECRET),
  JWT_ACCESS_TTL_SECONDS: z.coerce.number().int().min(60).default(900),
  AUTH_REFRESH_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(14),
  AUTH_MAX_FAILED_LOGINS: z.coerce.number().int().min(1).max(100).default(5),
  AUTH_LOCKOUT_MINUTES: z.coerce.number().min(1).default(15),
  AUTH_LOGIN_ATTEMPTS_PER_MINUTE: z.coerce.number().int().min(1).default(20),
  WEBCHAT_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').default(DEV_WEBCHAT_SECRET),
  WEBCHAT_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  WEBCHAT_MAX_MESSAGE_LENGTH: z.coerce.number().int().min(1).max(20000).default(2000),
  WEBCHAT_ALLOWED_ORIGINS: z
    .string()
    .default('*')
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    ),
  AGENT_DEFAULT_CAPACITY: z.coerce.number().int().min(1).max(50).default(4),
  INGEST_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(16),
  OUTBOUND_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(16),
  ROUTING_TICK_MS: z.coerce.number().int().min(100).default(2000),
  SURGE_AUTO_APPLY: booleanFromEnv.default(false),
  SURGE_CHECK_INTERVAL_MS: z.coerce.number().int().min(200).default(10_000),
  SURGE_REINFORCEMENT_HOURS: z.coerce.number().min(0.1).max(24).default(4),
  SURGE_CONTACT_URL: z.string().min(1).default('/contact/'),
  ROUTING_AGING_STEP_MINUTES: z.coerce.number().min(0.01).default(10),
  ROUTING_SKILL_FALLBACK: booleanFromEnv.default(true),
  ROUTING_SKILL_FALLBACK_AFTER_SECONDS: z.coerce.number().int().min(0).default(120),
  ROUTING_LANGUAGE_FALLBACK: booleanFromEnv.default(true),
  ROUTING_EMERGENCY_OVERFLOW: z.coerce.number().int().min(0).max(10).default(1),
  ROUTING_NO_REPLY_MINUTES: z
    .string()
    .regex(/^\d+(\.\d+)?(,\d+(\.\d+)?){3}$/, 'four numbers of minutes: emergency,violence,normal,low (0 = never)')
    .default('2,5,10,15')
    .transform((value) => value.split(',').map(Number)),
  ROUTING_REOPEN_WINDOW_MINUTES: z.coerce.number().min(0).default(120),
  ROUTING_ABANDON_AFTER_MINUTES: z.coerce.number().min(0).default(30),
  ROUTING_ACKNOWLEDGEMENT_TEXT: z
    .string()
    .min(1)
    .default(
      'Bonjour, votre message a bien été reçu. Un gendarme va vous répondre dès que possible. ' +
        'En cas d’urgence, appelez le 17 ou le 112 (114 par SMS).',
    ),
  // The acknowledgement in the other languages citizens write in (French above); each may be replaced.
  ROUTING_ACKNOWLEDGEMENT_TEXT_EN: z
    .string()
    .min(1)
    .default('Hello, your message has been received. A gendarme will answer you as soon as possible. In an emergency, call 17 or 112 (text 114).'),
  ROUTING_ACKNOWLEDGEMENT_TEXT_DE: z
    .string()
    .min(1)
    .default(
      'Guten Tag, Ihre Nachricht ist eingegangen. Ein Gendarm wird Ihnen so bald wie möglich antworten. ' +
        'Im Notfall rufen Sie die 17 oder die 112 an (SMS an die 114).',
    ),
  ROUTING_ACKNOWLEDGEMENT_TEXT_IT: z
    .string()
    .min(1)
    .default(
      'Buongiorno, il suo messaggio è stato ricevuto. Un gendarme le risponderà il prima possibile. ' +
        'In caso di emergenza, chiami il 17 o il 112 (SMS al 114).',
    ),
  ROUTING_ACKNOWLEDGEMENT_TEXT_ES: z
    .string()
    .min(1)
    .default(
      'Hola, hemos recibido su mensaje. Un gendarme le responderá lo antes posible. ' +
        'En caso de emergencia, llame al 17 o al 112 (SMS al 114).',
    ),
  ROUTING_QUEUE_STATUS_SOCIAL: booleanFromEnv.default(true),
  ROUTING_QUEUE_STATUS_TEXT: z
    .string()
    .refine((text) => text.includes('{position}') && text.includes('{wait}'), 'must contain {position} and {wait}')
    .default('Vous êtes en position {position} dans la file d’attente. Temps d’attente estimé : {wait}.'),
  ROUTING_QUEUE_STATUS_NO_ESTIMATE_TEXT: z
    .string()
    .refine((text) => text.includes('{position}'), 'must contain {position}')
    .default('Vous êtes en position {position} dans la file d’attente.'),
  ROUTING_QUEUE_STATUS_MIN_INTERVAL_SECONDS: z.coerce.number().min(0).default(300),
  ROUTING_QUEUE_STATUS_WAIT_CHANGE_SECONDS: z.coerce.number().min(1).default(300),
  PRESENCE_GRACE_MS: z.coerce.number().int().min(0).default(60_000),
  // The one time zone of the deployment: roster, reporting's "today" and the desk's days (served in /api/me).
  ROSTER_TIME_ZONE: z
    .string()
    .refine((zone) => isTimeZone(zone), 'must be an IANA time zone name, e.g. Europe/Paris or Pacific/Noumea')
    .default('Europe/Paris'),
  RELAY_INTERVAL_MS: z.coerce.number().int().min(100).default(2000),
  RELAY_GRACE_MS: z.coerce.number().int().min(0).default(5000),
  RETENTION_DAYS: z.coerce.number().int().min(1).default(365),
  RETENTION_DAYS_BY_QUEUE: z
    .string()
    .default('')
    .transform((value, context) => {
      const map: Record<string, number> = {};
      for (const pair of value.split(',').map((part) => part.trim()).filter(Boolean)) {
        const [queue, days] = pair.split('=');
        if (!queue || !/^\d+$/.test(days ?? '') || Number(days) < 1) {
          context.addIssue({ code: 'custom', message: `"${pair}" is not queue=days` });
          continue;
        }
        map[queue.trim()] = Number(days);
      }
      return map;
    }),
  INBOX_RETENTION_DAYS: z.coerce.number().int().min(1).default(7),
  /** Quarantined messages (raw bytes of citizens' messages) are kept this long, replayed or not, then deleted. */
  QUARANTINE_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** The agent-state history behind the console's timeline (presence and duty changes) is kept this long. */
  AGENT_STATE_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  RETENTION_SWEEP_MS: z.coerce.number().int().min(1000).default(3_600_000),
  METRICS_TOKEN: z.string().default(''),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DEMO_SEED: booleanFromEnv.default(false),
  INTERFACE_STATE_BRAND: booleanFromEnv.default(false),
  INTERFACE_DEPLOYER_NAME: z.string().min(1).max(80).default('Brigade'),
  DEMO_PASSWORD: z.string().min(8).default(DEV_DEMO_PASSWORD),
  ...channelsEnvironmentShape,
  ...identityEnvironmentShape,
  ...mailEnvironmentShape,
  ...attachmentsEnvironmentShape,
  BOTFRAMEWORK_ENABLED: booleanFromEnv.default(false),
  BOTFRAMEWORK_APP_ID: z.string().default(''),
  BOTFRAMEWORK_APP_PASSWORD: z.string().default(''),
  BOTFRAMEWORK_APP_TENANT_ID: z.string().default(''),
  BOTFRAMEWORK_CHANNEL_SERVICE: z.string().default(''),
  BOTFRAMEWORK_OPENID_METADATA_URL: z.string().url().optional(),
  BOTFRAMEWORK_TOKEN_ISSUER: z.string().default('https://api.botframework.com'),
  BOTFRAMEWORK_STATIC_BEARER_TOKEN: z.string().default(''),
});

export type AppConfig = {
  env: 'development' | 'production' | 'test';
  http: { port: number; host: string; trustProxy: string[] };
  database: { url: string; poolSize: number };
  redis: RedisSettings;
  auth: {
    jwtSecret: string;
    accessTokenTtlSeconds: number;
    refreshTokenTtlHours: number;
    maxFailedLogins: number;
    lockoutMinutes: number;
    loginAttemptsPerMinute: number;
  };
  webchat: {
    tokenSecret: string;
    tokenTtlDays: number;
    maxMessageLength: number;
    allowedOrigins: string[];
  };
  routing: {
    defaultCapacity: number;
    tickMs: number;
    agingStepMs: number;
    skillFallback: boolean;
    skillFallbackAfterMs: number;
    languageFallback: boolean;
    emergencyOverflow: number;
    /** Per priority (emergency, violence, normal, low): re-route when the agent has not replied; 0 = never. */
    noReplyMs: [number, number, number, number];
    /** A citizen writing again within this time after a close reopens the conversation (0 = always a new one). */
    reopenWindowMs: number;
    /** A waiting conversation whose citizen has been silent this long is closed as abandoned (0 = never). */
    abandonAfterMs: number;
    /** The French acknowledgement (the default language). */
    acknowledgementText: string;
    /** The acknowledgement in each language citizens are answered in (fr, en, de, it, es). */
    acknowledgementTexts: Record<'fr' | 'en' | 'de' | 'it' | 'es', string>;
    /**
     * Queue position and estimated wait told to social-channel citizens as messages: once on their first message,
     * then on a significant change (position halved, estimate moved by waitChangeSeconds), at most once per
     * minIntervalMs per conversation. Texts hold {position} and {wait}.
     */
    socialQueueStatus: {
      enabled: boolean;
      text: string;
      noEstimateText: string;
      minIntervalMs: number;
      waitChangeSeconds: number;
    };
    /** How long an agent whose last desk connection dropped keeps their conversations. */
    presenceGraceMs: number;
    /** Time zone the roster is written in. */
    rosterTimeZone: string;
  };
  /** Surge mode: the watch over per-queue wait thresholds and what applying it does. */
  surge: {
    /** Apply surge settings as soon as the watch proposes them, instead of waiting for a supervisor. */
    autoApply: boolean;
    checkIntervalMs: number;
    /** How long reserve agents put on duty by surge mode stay on duty. */
    reinforcementHours: number;
    /** The "leave a message" form offered to waiting citizens (the citizen's language is added as ?lang=). */
    contactUrl: string;
  };
  workers: { ingestConcurrency: number; outboundConcurrency: number };
  relay: { intervalMs: number; graceMs: number };
  retention: {
    defaultDays: number;
    daysByQueue: Record<string, number>;
    inboxDays: number;
    quarantineDays: number;
    agentStateDays: number;
    sweepMs: number;
  };
  logLevel: string;
  /** Bearer token for /metrics (empty: loopback callers only); the worker serves its metrics on port (0: off). */
  metrics: { token: string; port: number };
  demo: { seed: boolean; password: string };
  /**
   * What the web apps show of who runs them: the State brand block (Marianne, "République française") is reserved to
   * State services, so it is on only for a State deployment; otherwise a neutral header with the deployer's name.
   */
  interface: { stateBrand: boolean; deployerName: string };
  /** Facebook Messenger and X direct messages (libs/config/src/channels-config.ts). */
  channels: ChannelsConfig;
  /** Single sign-on with OpenID Connect (libs/config/src/identity-config.ts). */
  sso: SsoConfig;
  /** Second factor (TOTP) of local accounts (libs/config/src/identity-config.ts). */
  mfa: MfaConfig;
  /** Outgoing mail and reports to territorial units (libs/config/src/mail-config.ts). */
  mail: MailConfig;
  reports: ReportsConfig;
  /** Files citizens send (libs/config/src/attachments-config.ts). */
  attachments: AttachmentsConfig;
  botframework: {
    enabled: boolean;
    /** Empty: inbound tokens are not checked (refused in production). */
    appId: string;
    appPassword: string;
    /** Single-tenant bots only. */
    appTenantId: string;
    /** Empty for the public Azure cloud, or the US Government channel service URL. */
    channelService: string;
    /** Where the connector's signing keys are published, when not Microsoft's default (sovereign clouds, tests). */
    openIdMetadataUrl: string | null;
    tokenIssuer: string;
    /** Development and tests only: replies carry this bearer token instead of one obtained from Microsoft. */
    staticBearerToken: string;
  };
};

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

/** Parses the environment into the typed configuration, listing every problem at once. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = environmentSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigValidationError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  }
  const e = parsed.data;
  const channels = channelsConfigFromEnv(e);
  const sentinels = e.REDIS_SENTINELS === undefined ? null : parseSentinelNodes(e.REDIS_SENTINELS);
  const problems = [...channels.problems, ...(sentinels?.problems ?? [])];
  if (problems.length > 0) throw new ConfigValidationError(problems);
  const identity = identityConfigFromEnv(e, e.NODE_ENV === 'production');
  if (identity.problems.length > 0) throw new ConfigValidationError(identity.problems);
  const mail = mailConfigFromEnv(e);
  if (mail.problems.length > 0) throw new ConfigValidationError(mail.problems);
  const attachments = attachmentsConfigFromEnv(e, e.JWT_SECRET);
  if (attachments.problems.length > 0) throw new ConfigValidationError(attachments.problems);
  const config: AppConfig = {
    env: e.NODE_ENV,
    http: { port: e.PORT, host: e.HOST, trustProxy: e.TRUST_PROXY.split(',').map((item) => item.trim()) },
    database: { url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE },
    redis: {
      url: e.REDIS_URL,
      queuePrefix: e.QUEUE_PREFIX,
      password: e.REDIS_PASSWORD,
      sentinel: sentinels && {
        nodes: sentinels.nodes,
        masterName: e.REDIS_SENTINEL_MASTER_NAME,
        username: e.REDIS_SENTINEL_USERNAME,
        password: e.REDIS_SENTINEL_PASSWORD,
      },
    },
    auth: {
      jwtSecret: e.JWT_SECRET,
      accessTokenTtlSeconds: e.JWT_ACCESS_TTL_SECONDS,
      refreshTokenTtlHours: e.AUTH_REFRESH_TTL_HOURS,
      maxFailedLogins: e.AUTH_MAX_FAILED_LOGINS,
      lockoutMinutes: e.AUTH_LOCKOUT_MINUTES,
      loginAttemptsPerMinute: e.AUTH_LOGIN_ATTEMPTS_PER_MINUTE,
    },
    webchat: {
      tokenSecret: e.WEBCHAT_TOKEN_SECRET,
      tokenTtlDays: e.WEBCHAT_TOKEN_TTL_DAYS,
      maxMessageLength: e.WEBCHAT_MAX_MESSAGE_LENGTH,
      allowedOrigins: e.WEBCHAT_ALLOWED_ORIGINS,
    },
    routing: {
      defaultCapacity: e.AGENT_DEFAULT_CAPACITY,
      tickMs: e.ROUTING_TICK_MS,
      agingStepMs: e.ROUTING_AGING_STEP_MINUTES * 60_000,
      skillFallback: e.ROUTING_SKILL_FALLBACK,
      skillFallbackAfterMs: e.ROUTING_SKILL_FALLBACK_AFTER_SECONDS * 1000,
      languageFallback: e.ROUTING_LANGUAGE_FALLBACK,
      emergencyOverflow: e.ROUTING_EMERGENCY_OVERFLOW,
      noReplyMs: e.ROUTING_NO_REPLY_MINUTES.map((minutes) => minutes * 60_000) as [number, number, number, number],
      reopenWindowMs: e.ROUTING_REOPEN_WINDOW_MINUTES * 60_000,
      abandonAfterMs: e.ROUTING_ABANDON_AFTER_MINUTES * 60_000,
      acknowledgementText: e.ROUTING_ACKNOWLEDGEMENT_TEXT,
      acknowledgementTexts: {
        fr: e.ROUTING_ACKNOWLEDGEMENT_TEXT,
        en: e.ROUTING_ACKNOWLEDGEMENT_TEXT_EN,
        de: e.ROUTING_ACKNOWLEDGEMENT_TEXT_DE,
        it: e.ROUTING_ACKNOWLEDGEMENT_TEXT_IT,
        es: e.ROUTING_ACKNOWLEDGEMENT_TEXT_ES,
      },
      socialQueueStatus: {
        enabled: e.ROUTING_QUEUE_STATUS_SOCIAL,
        text: e.ROUTING_QUEUE_STATUS_TEXT,
        noEstimateText: e.ROUTING_QUEUE_STATUS_NO_ESTIMATE_TEXT,
        minIntervalMs: e.ROUTING_QUEUE_STATUS_MIN_INTERVAL_SECONDS * 1000,
        waitChangeSeconds: e.ROUTING_QUEUE_STATUS_WAIT_CHANGE_SECONDS,
      },
      presenceGraceMs: e.PRESENCE_GRACE_MS,
      rosterTimeZone: e.ROSTER_TIME_ZONE,
    },
    surge: {
      autoApply: e.SURGE_AUTO_APPLY,
      checkIntervalMs: e.SURGE_CHECK_INTERVAL_MS,
      reinforcementHours: e.SURGE_REINFORCEMENT_HOURS,
      contactUrl: e.SURGE_CONTACT_URL,
    },
    workers: { ingestConcurrency: e.INGEST_CONCURRENCY, outboundConcurrency: e.OUTBOUND_CONCURRENCY },
    relay: { intervalMs: e.RELAY_INTERVAL_MS, graceMs: e.RELAY_GRACE_MS },
    retention: {
      defaultDays: e.RETENTION_DAYS,
      daysByQueue: e.RETENTION_DAYS_BY_QUEUE,
      inboxDays: e.INBOX_RETENTION_DAYS,
      quarantineDays: e.QUARANTINE_RETENTION_DAYS,
      agentStateDays: e.AGENT_STATE_RETENTION_DAYS,
      sweepMs: e.RETENTION_SWEEP_MS,
    },
    logLevel: e.LOG_LEVEL,
    metrics: { token: e.METRICS_TOKEN, port: e.METRICS_PORT },
    demo: { seed: e.DEMO_SEED, password: e.DEMO_PASSWORD },
    interface: { stateBrand: e.INTERFACE_STATE_BRAND, deployerName: e.INTERFACE_DEPLOYER_NAME },
    channels: channels.channels,
    sso: identity.sso,
    mfa: identity.mfa,
    mail: mail.mail,
    reports: mail.reports,
    attachments: attachments.attachments,
    botframework: {
      enabled: e.BOTFRAMEWORK_ENABLED,
      appId: e.BOTFRAMEWORK_APP_ID,
      appPassword: e.BOTFRAMEWORK_APP_PASSWORD,
      appTenantId: e.BOTFRAMEWORK_APP_TENANT_ID,
      channelService: e.BOTFRAMEWORK_CHANNEL_SERVICE,
      openIdMetadataUrl: e.BOTFRAMEWORK_OPENID_METADATA_URL ?? null,
      tokenIssuer: e.BOTFRAMEWORK_TOKEN_ISSUER,
      staticBearerToken: e.BOTFRAMEWORK_STATIC_BEARER_TOKEN,
    },
  };
  assertProductionSafe(config);
  return config;
}

/** Production must never run with the development secrets or the demo data. */
function assertProductionSafe(config: AppConfig): void {
  if (config.env !== 'production') return;
  const problems: string[] = [];
  if (config.auth.jwtSecret === DEV_JWT_SECRET) problems.push('JWT_SECRET: the development default is refused in production');
  if (config.webchat.tokenSecret === DEV_WEBCHAT_SECRET) {
    problems.push('WEBCHAT_TOKEN_SECRET: the development default is refused in production');
  }
  if (config.demo.seed) problems.push('DEMO_SEED: demo accounts are refused in production');
  if (config.webchat.allowedOrigins.includes('*')) {
    problems.push('WEBCHAT_ALLOWED_ORIGINS: list the websites allowed to embed the chat; "*" is refused in production');
  }
  problems.push(...botFrameworkProductionProblems(config.botframework));
  if (config.reports.webhookSecret && config.reports.webhookSecret.length < 32) {
    problems.push('REPORT_WEBHOOK_SECRET: must be at least 32 characters in production');
  }
  if (problems.length > 0) throw new ConfigValidationError(problems);
}

/** Without an app id the connector's tokens are not checked: anyone could post as any citizen. */
function botFrameworkProductionProblems(botframework: AppConfig['botframework']): string[] {
  if (!botframework.enabled) return [];
  const problems: string[] = [];
  if (!botframework.appId) {
    problems.push('BOTFRAMEWORK_APP_ID: required in production; without it inbound tokens are not validated');
  } else if (!botframework.appPassword) {
    problems.push('BOTFRAMEWORK_APP_PASSWORD: required in production to sign replies');
  }
  if (botframework.staticBearerToken) problems.push('BOTFRAMEWORK_STATIC_BEARER_TOKEN: development and tests only');
  if (botframework.openIdMetadataUrl && !botframework.openIdMetadataUrl.startsWith('https://')) {
    problems.push('BOTFRAMEWORK_OPENID_METADATA_URL: must be https in production');
  }
  return problems;
}

import { z } from 'zod';

/**
 * Every setting of the platform, read once from the environment and validated at boot.
 * Nothing else in the code base reads process.env.
 */
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
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/brigade'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(20),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9:_-]+$/, 'letters, digits, ":", "_" and "-" only')
    .default('brigade'),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').default(DEV_JWT_SECRET),
  JWT_ACCESS_TTL_SECONDS: z.coerce.number().int().min(60).default(900),
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
  RELAY_INTERVAL_MS: z.coerce.number().int().min(100).default(2000),
  RELAY_GRACE_MS: z.coerce.number().int().min(0).default(5000),
  METRICS_TOKEN: z.string().default(''),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DEMO_SEED: booleanFromEnv.default(false),
  DEMO_PASSWORD: z.string().min(8).default(DEV_DEMO_PASSWORD),
});

export type AppConfig = {
  env: 'development' | 'production' | 'test';
  http: { port: number; host: string };
  database: { url: string; poolSize: number };
  redis: { url: string; queuePrefix: string };
  auth: { jwtSecret: string; accessTokenTtlSeconds: number };
  webchat: {
    tokenSecret: string;
    tokenTtlDays: number;
    maxMessageLength: number;
    allowedOrigins: string[];
  };
  routing: { defaultCapacity: number; tickMs: number };
  workers: { ingestConcurrency: number; outboundConcurrency: number };
  relay: { intervalMs: number; graceMs: number };
  logLevel: string;
  /** Bearer token for /metrics (empty: loopback callers only); the worker serves its metrics on port (0: off). */
  metrics: { token: string; port: number };
  demo: { seed: boolean; password: string };
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
  const config: AppConfig = {
    env: e.NODE_ENV,
    http: { port: e.PORT, host: e.HOST },
    database: { url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE },
    redis: { url: e.REDIS_URL, queuePrefix: e.QUEUE_PREFIX },
    auth: { jwtSecret: e.JWT_SECRET, accessTokenTtlSeconds: e.JWT_ACCESS_TTL_SECONDS },
    webchat: {
      tokenSecret: e.WEBCHAT_TOKEN_SECRET,
      tokenTtlDays: e.WEBCHAT_TOKEN_TTL_DAYS,
      maxMessageLength: e.WEBCHAT_MAX_MESSAGE_LENGTH,
      allowedOrigins: e.WEBCHAT_ALLOWED_ORIGINS,
    },
    routing: { defaultCapacity: e.AGENT_DEFAULT_CAPACITY, tickMs: e.ROUTING_TICK_MS },
    workers: { ingestConcurrency: e.INGEST_CONCURRENCY, outboundConcurrency: e.OUTBOUND_CONCURRENCY },
    relay: { intervalMs: e.RELAY_INTERVAL_MS, graceMs: e.RELAY_GRACE_MS },
    logLevel: e.LOG_LEVEL,
    metrics: { token: e.METRICS_TOKEN, port: e.METRICS_PORT },
    demo: { seed: e.DEMO_SEED, password: e.DEMO_PASSWORD },
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
  if (problems.length > 0) throw new ConfigValidationError(problems);
}

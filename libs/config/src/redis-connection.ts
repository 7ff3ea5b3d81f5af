import { Redis, RedisOptions } from 'ioredis';

/** Where Redis is: one server (REDIS_URL), or the primary a set of Sentinels names (REDIS_SENTINELS). */
export interface RedisSettings {
  url: string;
  queuePrefix: string;
  /** Overrides the password of REDIS_URL (the primary's and replicas' password under Sentinel). */
  password?: string;
  sentinel: {
    nodes: { host: string; port: number }[];
    masterName: string;
    username?: string;
    password?: string;
  } | null;
}

/** ioredis's options, narrowed so that BullMQ's connection option type accepts them too (no null retry strategy). */
export type RedisConnectionOptions = Omit<RedisOptions, 'retryStrategy'> & {
  retryStrategy?: (attempt: number) => number | void | null;
};

const reconnectDelay = (attempt: number): number => Math.min(attempt * 200, 2000);

/**
 * The one place a Redis connection's options are built: every client (BullMQ queues and workers, the Socket.io
 * adapter and emitter, signals, health, preflight) gets them from here, so a Sentinel setting reaches all of them.
 * BullMQ workers need maxRetriesPerRequest null to survive a Redis restart or a failover; callers override it.
 */
export function redisConnectionOptions(
  settings: RedisSettings,
  overrides: Partial<RedisConnectionOptions> = {},
): RedisConnectionOptions {
  const parsed = new URL(settings.url);
  const db = parsed.pathname && parsed.pathname !== '/' ? Number(parsed.pathname.slice(1)) : 0;
  const urlPassword = parsed.password ? decodeURIComponent(parsed.password) : undefined;
  const common: RedisConnectionOptions = {
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: settings.password ?? urlPassword,
    db,
    tls: parsed.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
    retryStrategy: reconnectDelay,
    // A client still talking to a demoted primary reconnects, and Sentinel then names the new one.
    reconnectOnError: (error) => error.message.startsWith('READONLY'),
  };
  if (!settings.sentinel) {
    return { ...common, host: parsed.hostname, port: parsed.port ? Number(parsed.port) : 6379, ...overrides };
  }
  return {
    ...common,
    sentinels: settings.sentinel.nodes,
    name: settings.sentinel.masterName,
    role: 'master',
    sentinelUsername: settings.sentinel.username,
    sentinelPassword: settings.sentinel.password,
    enableTLSForSentinelMode: parsed.protocol === 'rediss:',
    // Keep asking the Sentinels: during a failover they may all be briefly unreachable or still name the old primary.
    sentinelRetryStrategy: reconnectDelay,
    // Not ioredis's failoverDetector: when it fires while a client is still connecting, that client ends for good
    // (seen in the failover test). A killed primary closes the sockets; a demoted one answers READONLY (above).
    ...overrides,
  };
}

/** A new ioredis client from the typed settings (see redisConnectionOptions). */
export function createRedisClient(settings: RedisSettings, overrides: Partial<RedisConnectionOptions> = {}): Redis {
  const client = new Redis(redisConnectionOptions(settings, overrides));
  // ioredis retries by itself; without a listener each failed attempt of an outage or failover is printed as
  // "Unhandled error event". Callers that react to an outage watch 'close' and 'ready'; /health/ready reports it.
  client.on('error', () => undefined);
  return client;
}

/** Where Redis is, for messages: the URL without its password, or the Sentinels and the primary's name. */
export function describeRedis(settings: RedisSettings): string {
  if (settings.sentinel) {
    const nodes = settings.sentinel.nodes.map((node) => `${node.host}:${node.port}`).join(',');
    return `Sentinel primary "${settings.sentinel.masterName}" via ${nodes}`;
  }
  const parsed = new URL(settings.url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/** Parses REDIS_SENTINELS ("host:port,host:port"); returns the problems found instead of throwing. */
export function parseSentinelNodes(value: string): { nodes: { host: string; port: number }[]; problems: string[] } {
  const nodes: { host: string; port: number }[] = [];
  const problems: string[] = [];
  for (const entry of value.split(',').map((item) => item.trim()).filter(Boolean)) {
    const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(entry);
    const port = match ? Number(match[2]) : NaN;
    if (!match || port < 1 || port > 65535) {
      problems.push(`REDIS_SENTINELS: "${entry}" is not host:port`);
      continue;
    }
    nodes.push({ host: match[1].replace(/^\[|\]$/g, ''), port });
  }
  if (nodes.length === 0 && problems.length === 0) problems.push('REDIS_SENTINELS: list at least one host:port');
  return { nodes, problems };
}

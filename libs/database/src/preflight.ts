import { Client } from 'pg';
import { AppConfig, createRedisClient, describeRedis } from '@brigade/config';

/** Checks that PostgreSQL and Redis answer before anything starts, and says how to start the one that does not. */
export async function checkBackingServices(config: AppConfig): Promise<string[]> {
  const problems: string[] = [];
  const pg = new Client({ connectionString: config.database.url, connectionTimeoutMillis: 3000 });
  try {
    await pg.connect();
    await pg.query('SELECT 1');
  } catch (error) {
    problems.push(
      `PostgreSQL does not answer at ${redactUrl(config.database.url)} (${describe(error)}).\n` +
        '    Start it: `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` (Debian package)\n' +
        '    or `docker compose up -d postgres`; then check DATABASE_URL.',
    );
  } finally {
    await pg.end().catch(() => undefined);
  }
  const redis = createRedisClient(config.redis, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    sentinelRetryStrategy: () => null,
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    problems.push(
      `Redis does not answer at ${describeRedis(config.redis)} (${describe(error)}).\n` +
        '    Start it: `redis-server --daemonize yes --bind 127.0.0.1 --port 6379` (Debian package redis-server)\n' +
        '    or `docker compose up -d redis`; then check REDIS_URL (and REDIS_SENTINELS when set).',
    );
  } finally {
    redis.disconnect();
  }
  return problems;
}

/** PostgreSQL reports a missing database as an error too: create it when we can, as a fresh install expects. */
export async function ensureDatabaseExists(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString(), connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

function describe(error: unknown): string {
  if (error instanceof AggregateError) return error.errors.map(describe).join('; ');
  return error instanceof Error ? error.message || error.name : String(error);
}

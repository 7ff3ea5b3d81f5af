/** Starts the two systems under test as separate processes on loopback: the raw baseline and the platform. */
import * as argon2 from 'argon2';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';

export const ROOT = join(__dirname, '..');
const TS_NODE = ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'];
export const BENCH_PASSWORD = 'bench-password-not-secret';

export interface Target {
  name: 'baseline' | 'platform';
  /** How the target runs, shown in the report: "1 API + 1 worker", "2 API + 2 worker". */
  layout: string;
  url: string;
  /** Every API process (the first is `url`): the generator spreads its sockets and webhooks over them. */
  urls: string[];
  processes: Record<string, number>;
  agentTokens: string[];
  /** Frees agent capacity between steps. */
  resetBetweenSteps(): Promise<void>;
  /** Routing decision histogram, when the target has one (the first worker's). */
  workerMetricsUrl: string | null;
  /** Metrics of every process of the target (APIs and workers), summed by the bench; empty for the baseline. */
  metricsUrls: string[];
  stop(): Promise<void>;
}

/** The Messenger page and X account the load generator writes to, with their secrets and the fakes behind them. */
export interface WebhookSettings {
  facebookAppSecret: string;
  facebookPageId: string;
  graphBaseUrl: string;
  xConsumerSecret: string;
  xAccountId: string;
  xApiBaseUrl: string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function recreateDatabase(url: string): Promise<void> {
  const admin = new URL(url);
  const name = admin.pathname.slice(1);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}

class Children {
  private readonly children: ChildProcess[] = [];
  readonly output: string[] = [];

  start(name: string, args: string[], env: Record<string, string>): ChildProcess {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      this.output.push(`[${name}] ${chunk.toString()}`);
      if (this.output.length > 200) this.output.shift();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.children.push(child);
    return child;
  }

  async waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.children.some((child) => child.exitCode !== null)) break;
      if (await check().catch(() => false)) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`${what} did not start:\n${this.output.join('')}`);
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
  }
}

const ok = (url: string) => async () => (await fetch(url, { signal: AbortSignal.timeout(2000) })).ok;

export async function startBaseline(options: {
  databaseUrl: string;
  redisUrl: string;
  agents: number;
  webhooks: WebhookSettings;
}): Promise<Target> {
  await recreateDatabase(options.databaseUrl);
  const client = new Client({ connectionString: options.databaseUrl });
  await client.connect();
  await client.query(`CREATE TABLE bench_messages (id bigserial PRIMARY KEY, visitor_id text NOT NULL,
    client_message_id text NOT NULL, text text NOT NULL, received_at timestamptz NOT NULL DEFAULT now())`);
  await client.query(`CREATE TABLE bench_replies (id bigserial PRIMARY KEY, visitor_id text NOT NULL, agent_id text NOT NULL,
    text text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
  await client.end();
  const port = await freePort();
  const env = {
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    QUEUE_PREFIX: `bench-baseline-${process.pid}`,
    PORT: String(port),
    BENCH_AGENTS: String(options.agents),
    BENCH_FACEBOOK_APP_SECRET: options.webhooks.facebookAppSecret,
    BENCH_X_CONSUMER_SECRET: options.webhooks.xConsumerSecret,
  };
  const children = new Children();
  const server = children.start('baseline-server', [...TS_NODE, 'bench/baseline/baseline-server.ts'], env);
  const worker = children.start('baseline-worker', [...TS_NODE, 'bench/baseline/baseline-worker.ts'], env);
  const url = `http://127.0.0.1:${port}`;
  await children.waitFor(ok(`${url}/health`), 'baseline server');
  await children.waitFor(async () => children.output.some((line) => line.includes('baseline worker started')), 'baseline worker');
  return {
    name: 'baseline',
    layout: '1 server + 1 worker',
    url,
    urls: [url],
    processes: { 'baseline server': server.pid!, 'baseline worker': worker.pid! },
    agentTokens: Array.from({ length: options.agents }, (_, i) => `agent-${i}`),
    workerMetricsUrl: null,
    metricsUrls: [],
    resetBetweenSteps: async () => undefined,
    stop: () => children.stop(),
  };
}

export async function startPlatform(options: {
  databaseUrl: string;
  redisUrl: string;
  agents: number;
  fromSources: boolean;
  webhooks: WebhookSettings;
  /** API and worker processes (1 and 1 by default): several share one database and one queue prefix, as replicas do. */
  apis?: number;
  workers?: number;
  /** Skips `npm run build:server` (built already by an earlier start in the same run). */
  built?: boolean;
}): Promise<Target> {
  const node = (compiled: string, source: string) => (options.fromSources ? [...TS_NODE, source] : [compiled]);
  if (!options.fromSources && !options.built) {
    const build = spawnSync('npm', ['run', 'build:server'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('npm run build:server failed');
  }
  await recreateDatabase(options.databaseUrl);
  const base = {
    NODE_ENV: 'development',
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    QUEUE_PREFIX: `bench-platform-${process.pid}-${options.apis ?? 1}x${options.workers ?? 1}`,
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    JWT_ACCESS_TTL_SECONDS: '86400',
    // Every bench agent logs in from loopback within a second.
    AUTH_LOGIN_ATTEMPTS_PER_MINUTE: '100000',
    FACEBOOK_ENABLED: 'true',
    FACEBOOK_APP_SECRET: options.webhooks.facebookAppSecret,
    FACEBOOK_VERIFY_TOKEN: 'bench-verify-token',
    FACEBOOK_PAGES: `${options.webhooks.facebookPageId}:EAABenchPageToken`,
    FACEBOOK_GRAPH_BASE_URL: options.webhooks.graphBaseUrl,
    X_ENABLED: 'true',
    X_CONSUMER_KEY: 'bench-consumer-key',
    X_CONSUMER_SECRET: options.webhooks.xConsumerSecret,
    X_ACCOUNTS: `${options.webhooks.xAccountId}:bench-token:bench-token-secret`,
    X_API_BASE_URL: options.webhooks.xApiBaseUrl,
  };
  const migrate = spawnSync(process.execPath, node('dist/libs/database/src/migrate.js', 'libs/database/src/migrate.ts'), {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...base },
    encoding: 'utf8',
  });
  if (migrate.status !== 0) throw new Error(`migration failed:\n${migrate.stdout}${migrate.stderr}`);
  await seedAgents(options.databaseUrl, options.agents);

  const children = new Children();
  // Extra node flags for profiling, e.g. BENCH_WORKER_NODE_ARGS='--cpu-prof --cpu-prof-dir=bench/results/profiles'.
  const extra = (name: string) => (process.env[name] ? process.env[name].split(' ') : []);
  const apiCount = options.apis ?? 1;
  const workerCount = options.workers ?? 1;
  const processes: Record<string, number> = {};
  const urls: string[] = [];
  const workerMetricsUrls: string[] = [];
  // Named "platform api" / "platform worker" when alone, numbered in a cluster.
  const label = (kind: string, index: number, count: number) => (count === 1 ? `platform ${kind}` : `platform ${kind} ${index + 1}`);
  for (let i = 0; i < apiCount; i++) {
    const port = await freePort();
    const api = children.start(label('api', i, apiCount), [...extra('BENCH_API_NODE_ARGS'), ...node('dist/apps/api/src/main.js', 'apps/api/src/main.ts')], {
      ...base,
      PORT: String(port),
    });
    processes[label('api', i, apiCount)] = api.pid!;
    urls.push(`http://127.0.0.1:${port}`);
  }
  for (let i = 0; i < workerCount; i++) {
    const metricsPort = await freePort();
    const worker = children.start(
      label('worker', i, workerCount),
      [...extra('BENCH_WORKER_NODE_ARGS'), ...node('dist/apps/worker/src/main.js', 'apps/worker/src/main.ts')],
      { ...base, PORT: '0', METRICS_PORT: String(metricsPort) },
    );
    processes[label('worker', i, workerCount)] = worker.pid!;
    workerMetricsUrls.push(`http://127.0.0.1:${metricsPort}/metrics`);
  }
  try {
    for (const url of urls) await children.waitFor(ok(`${url}/health/ready`), 'platform API');
    for (const metricsUrl of workerMetricsUrls) await children.waitFor(ok(metricsUrl), 'platform worker');
  } catch (error) {
    await children.stop();
    throw error;
  }
  const agentTokens = await logIn(urls[0], options.agents).catch(async (error: unknown) => {
    await children.stop();
    throw error;
  });
  return {
    name: 'platform',
    layout: `${apiCount} API + ${workerCount} worker`,
    url: urls[0],
    urls,
    processes,
    agentTokens,
    workerMetricsUrl: workerMetricsUrls[0],
    metricsUrls: [...urls.map((url) => `${url}/metrics`), ...workerMetricsUrls],
    resetBetweenSteps: () => closeOpenConversations(options.databaseUrl),
    stop: () => children.stop(),
  };
}

async function logIn(url: string, agents: number): Promise<string[]> {
  const agentTokens: string[] = [];
  for (let i = 0; i < agents; i++) {
    const response = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: `bench-agent-${i}`, password: BENCH_PASSWORD }),
    });
    if (!response.ok) throw new Error(`login failed: ${response.status} ${await response.text()}`);
    agentTokens.push(((await response.json()) as { accessToken: string }).accessToken);
  }
  return agentTokens;
}

/** Agents on duty and available, inserted directly; 50 agents x 50 seats hold every conversation of a step. */
async function seedAgents(databaseUrl: string, count: number): Promise<void> {
  const hash = await argon2.hash(BENCH_PASSWORD, { type: argon2.argon2id });
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (let i = 0; i < count; i++) {
      const { rows } = await client.query(
        `INSERT INTO agents (login, display_name, role, capacity, password_hash, presence, duty_override, skills, languages)
         VALUES ($1, $2, 'agent', 50, $3, 'available', 'on', '{general}', '{fr,en}') RETURNING id`,
        [`bench-agent-${i}`, `Gendarme banc ${i}`, hash],
      );
      await client.query(`INSERT INTO shifts (agent_id, starts_at, ends_at) VALUES ($1, now() - interval '1 hour', now() + interval '1 day')`, [
        rows[0].id,
      ]);
    }
  } finally {
    await client.end();
  }
}

async function closeOpenConversations(databaseUrl: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`UPDATE conversations SET status = 'closed', closed_at = now() WHERE status IN ('waiting', 'assigned')`);
  } finally {
    await client.end();
  }
}

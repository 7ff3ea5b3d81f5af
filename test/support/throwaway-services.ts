/**
 * Throwaway PostgreSQL clusters and Redis servers for the tests that stop or restart a service: each lives in a
 * temporary folder on a free loopback port and is removed afterwards, so that a test never stops, restarts or
 * reconfigures the machine's own servers (which may serve other databases). Also fingerprints the machine's servers,
 * so that a test can prove it left them alone.
 */
import { ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { userInfo, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { freePort } from './processes';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from './test-env';

const run = promisify(execFile);

/** Everything still running when the test process ends is stopped synchronously (even after a failed test). */
const leftovers = new Set<() => void>();
process.once('exit', () => leftovers.forEach((cleanup) => cleanup()));

/** The PostgreSQL server programs (initdb, pg_ctl): PG_BIN, else the newest Debian-style /usr/lib/postgresql/N/bin. */
function postgresBin(program: string): string {
  const fromEnv = process.env.PG_BIN;
  if (fromEnv) return join(fromEnv, program);
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((name) => existsSync(join(root, name, 'bin', program)))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  // Otherwise hope it is on the PATH (Homebrew, other distributions).
  return versions.length ? join(root, versions[0], 'bin', program) : program;
}

/** PostgreSQL refuses to run as root: when the tests run as root, its programs run as the `postgres` user. */
const asRoot = userInfo().uid === 0;
function postgresCommand(program: string, args: string[]): [string, string[]] {
  const binary = postgresBin(program);
  return asRoot ? ['runuser', ['-u', 'postgres', '--', binary, ...args]] : [binary, args];
}

/** A PostgreSQL cluster of its own: initdb in a temporary folder, started on a free port, trust auth on loopback. */
export class ThrowawayPostgres {
  private constructor(
    readonly folder: string,
    readonly port: number,
  ) {}

  private get dataDir(): string {
    return join(this.folder, 'data');
  }

  /** A connection URL to one of its databases (`postgres` exists from the start). */
  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  static async start(): Promise<ThrowawayPostgres> {
    const folder = mkdtempSync(join(tmpdir(), 'brigade-test-pg-'));
    if (asRoot) {
      const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
      chownSync(folder, uid, gid);
    }
    const server = new ThrowawayPostgres(folder, await freePort());
    const cleanup = () => server.stopNow();
    leftovers.add(cleanup);
    server.cleanup = cleanup;
    try {
      const [initdb, initArgs] = postgresCommand('initdb', [
        '-D', server.dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync',
      ]);
      await run(initdb, initArgs);
      await server.pgCtl('start');
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  private cleanup: () => void = () => undefined;

  /** Stops the server the way an operator's restart does (fast shutdown: sessions cut) and starts it again. */
  async restart(): Promise<void> {
    await this.pgCtl('restart');
  }

  /** Stops the server (immediate: nothing to keep) and removes its folder. */
  async stop(): Promise<void> {
    leftovers.delete(this.cleanup);
    if (existsSync(join(this.dataDir, 'postmaster.pid'))) {
      const [pgCtl, args] = postgresCommand('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop']);
      await run(pgCtl, args).catch(() => undefined);
    }
    rmSync(this.folder, { recursive: true, force: true });
  }

  private stopNow(): void {
    if (existsSync(join(this.dataDir, 'postmaster.pid'))) {
      const [pgCtl, args] = postgresCommand('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop']);
      try {
        execFileSync(pgCtl, args, { stdio: 'ignore' });
      } catch {
        // already gone
      }
    }
    rmSync(this.folder, { recursive: true, force: true });
  }

  private async pgCtl(action: 'start' | 'restart'): Promise<void> {
    // Loopback only, its socket in its own folder; durability is not what these tests measure.
    const options = [
      `-p ${this.port}`,
      `-k ${this.folder}`,
      '-c listen_addresses=127.0.0.1',
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=200',
    ].join(' ');
    const [pgCtl, args] = postgresCommand('pg_ctl', [
      '-D', this.dataDir, '-l', join(this.folder, 'postgresql.log'), '-o', options, '-m', 'fast', '-w', '-t', '60', action,
    ]);
    await run(pgCtl, args);
  }
}

/** A Redis server of its own: a child process on a free port, no persistence, removed with its folder. */
export class ThrowawayRedis {
  private child: ChildProcess | null = null;

  private constructor(
    readonly folder: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<ThrowawayRedis> {
    const server = new ThrowawayRedis(mkdtempSync(join(tmpdir(), 'brigade-test-redis-')), await freePort());
    const cleanup = () => {
      server.child?.kill('SIGKILL');
      rmSync(server.folder, { recursive: true, force: true });
    };
    leftovers.add(cleanup);
    server.cleanup = cleanup;
    try {
      await server.launch();
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  private cleanup: () => void = () => undefined;

  /** Ends the server abruptly (SIGKILL: it keeps nothing, every queue is emptied). */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  /** Starts it again on the same port, empty. */
  async restart(): Promise<void> {
    await this.kill();
    await this.launch();
  }

  async stop(): Promise<void> {
    leftovers.delete(this.cleanup);
    await this.kill();
    rmSync(this.folder, { recursive: true, force: true });
  }

  private async launch(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.folder],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 30_000);
      const collect = (chunk: Buffer) => {
        output += chunk.toString();
        if (/Ready to accept connections/.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', collect);
      child.stderr?.on('data', collect);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code}:\n${output}`));
      });
    });
    // Keep reading its output so that a full pipe never blocks it.
    child.stdout?.resume();
    child.stderr?.resume();
  }
}

/** Who the machine's PostgreSQL and Redis are right now: a restart changes every field. */
export interface MachineServices {
  postgres: { startedAt: string };
  redis: { processId: string; runId: string };
}

/** Reads the identity of the servers the integration tests use (TEST_DATABASE_URL, TEST_REDIS_URL). */
export async function machineServices(): Promise<MachineServices> {
  const admin = new URL(TEST_DATABASE_URL);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  let postgres: MachineServices['postgres'];
  try {
    const { rows } = await client.query<{ started_at: string }>(`SELECT pg_postmaster_start_time()::text AS started_at`);
    postgres = { startedAt: rows[0].started_at };
  } finally {
    await client.end();
  }
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const info = await redis.info('server');
    const field = (name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim() ?? '';
    // run_id is random at every start of the server: a restart always changes it.
    return { postgres, redis: { processId: field('process_id'), runId: field('run_id') } };
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}

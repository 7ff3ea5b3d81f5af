import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { TEST_DATABASE_URL } from '../support/test-env';

const root = join(__dirname, '..', '..');

/** Runs the one-process entry point from the sources and returns what it printed and its exit code. */
function runStandalone(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/standalone/src/main.ts'],
      { cwd: root, env: { PATH: process.env.PATH ?? '', ...env } },
    );
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    // A guard only: each case exits by itself in seconds on an idle machine (about 10 s of CPU, mostly compiling the
    // sources), but took close to 3 minutes on a shared 2-core host with a load average of 30.
    const timer = setTimeout(() => child.kill('SIGKILL'), 270_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('start-up checks', () => {
  // Each case starts the platform from its sources in a fresh process: see the guard in runStandalone.
  jest.setTimeout(300_000);

  it('stops with a message naming Redis and the command that starts it when Redis does not answer', async () => {
    const result = await runStandalone({
      DATABASE_URL: TEST_DATABASE_URL,
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/Redis does not answer at redis:\/\/127\.0\.0\.1:1/);
    expect(result.output).toMatch(/redis-server --daemonize yes/);
    expect(result.output).not.toMatch(/PostgreSQL does not answer/);
  });

  it('stops with a message naming PostgreSQL when it does not answer', async () => {
    const result = await runStandalone({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/brigade' });
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/PostgreSQL does not answer at postgres:\/\/postgres@127\.0\.0\.1:1\/brigade/);
    expect(result.output).toMatch(/pg_ctlcluster/);
  });

  it('lists every invalid setting before touching anything', async () => {
    const result = await runStandalone({ PORT: 'x', JWT_SECRET: 'short' });
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/Invalid configuration/);
    expect(result.output).toMatch(/PORT/);
    expect(result.output).toMatch(/JWT_SECRET/);
  });
});

describe('docker-compose.yml', () => {
  it('is valid YAML with the services a deployment needs, wired to the right entry points', () => {
    const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'));
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'migrate', 'postgres', 'redis', 'worker']);
    expect(compose.services.api.command).toEqual(['node', 'dist/apps/api/src/main.js']);
    expect(compose.services.worker.command).toEqual(['node', 'dist/apps/worker/src/main.js']);
    expect(compose.services.migrate.command).toEqual(['node', 'dist/libs/database/src/migrate.js']);
    expect(compose.services.api.depends_on.migrate.condition).toBe('service_completed_successfully');
    expect(compose.services.redis.command).toContain('--appendonly');
  });
});

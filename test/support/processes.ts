import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

export type ProcessKind = 'api' | 'worker';

/** A free loopback port, chosen by the kernel. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Runs the platform as separate API and worker processes from the sources, as in production,
 * so that a test can kill -9 one of them and start it again.
 */
const running = new Set<ChildProcess>();
// Never leave a platform process behind when the test process ends.
process.once('exit', () => running.forEach((child) => child.kill('SIGKILL')));

export class PlatformProcesses {
  private readonly children = new Map<ProcessKind, ChildProcess>();
  readonly output: string[] = [];

  constructor(
    private readonly env: Record<string, string>,
    readonly port: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(kind: ProcessKind): Promise<void> {
    const entry = kind === 'api' ? 'apps/api/src/main.ts' : 'apps/worker/src/main.ts';
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', entry],
      {
        cwd: root,
        env: { PATH: process.env.PATH ?? '', ...this.env, PORT: String(this.port), HOST: '127.0.0.1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const keep = (chunk: Buffer) => {
      this.output.push(`[${kind}] ${chunk.toString()}`);
      if (this.output.length > 500) this.output.shift();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.children.set(kind, child);
    running.add(child);
    child.once('exit', () => running.delete(child));
    if (kind === 'api') await this.waitUntilReady();
    else await this.waitForOutput(kind, /worker started/i);
  }

  kill(kind: ProcessKind, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.children.get(kind);
    this.children.delete(kind);
    if (!child || child.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }

  async stopAll(): Promise<void> {
    await Promise.all([this.kill('api', 'SIGTERM'), this.kill('worker', 'SIGTERM')]);
  }

  private async waitUntilReady(timeoutMs = 180_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      try {
        const response = await fetch(`${this.url}/health/ready`);
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`API did not become ready:\n${this.output.join('')}`);
  }

  private async waitForOutput(kind: ProcessKind, pattern: RegExp, timeoutMs = 180_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const child = this.children.get(kind);
    let seen = '';
    const collect = (chunk: Buffer) => (seen += chunk.toString());
    child?.stdout?.on('data', collect);
    child?.stderr?.on('data', collect);
    try {
      while (!pattern.test(seen)) {
        if (Date.now() > deadline || child?.exitCode !== null) {
          throw new Error(`${kind} did not start:\n${this.output.join('')}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      child?.stdout?.off('data', collect);
      child?.stderr?.off('data', collect);
    }
  }
}

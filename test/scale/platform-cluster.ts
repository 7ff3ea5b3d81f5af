import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { Server, Socket, connect, createServer } from 'node:net';
import { join } from 'node:path';
import { freePortOnLoopback } from './free-port';

const root = join(__dirname, '..', '..');

/** Newest modification time of the server sources (apps and libs, spec files aside). */
function newestSourceMs(folder: string): number {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'web') newest = Math.max(newest, newestSourceMs(path));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

/**
 * The compiled entry points when `npm run build:server` is newer than every server source: they boot in seconds where
 * ts-node takes a minute or more per process on a loaded 2-core machine. Otherwise the sources, so that a test never
 * runs stale code.
 */
function compiledEntry(entry: string): string | null {
  const compiled = join(root, 'dist', entry.replace(/\.ts$/, '.js'));
  if (!existsSync(compiled)) return null;
  const built = statSync(compiled).mtimeMs;
  sourcesNewest ??= Math.max(newestSourceMs(join(root, 'apps')), newestSourceMs(join(root, 'libs')));
  return built > sourcesNewest ? compiled : null;
}
let sourcesNewest: number | undefined;

export interface ClusterProcess {
  kind: 'api' | 'worker';
  port: number;
  child: ChildProcess;
  output: string[];
}

/**
 * Several API and worker processes of the platform, started from the sources on one queue prefix,
 * as separate replicas of a deployment would be.
 */
export class PlatformCluster {
  readonly processes: ClusterProcess[] = [];

  constructor(private readonly env: Record<string, string>) {}

  async startApi(): Promise<ClusterProcess> {
    const port = await freePortOnLoopback();
    const started = this.spawn('api', 'apps/api/src/main.ts', port, { PORT: String(port) });
    await this.waitUntil(started, `http://127.0.0.1:${port}/health/ready`);
    return started;
  }

  /** A worker has no HTTP server: its metrics port answering means its application context is up. */
  async startWorker(): Promise<ClusterProcess> {
    const port = await freePortOnLoopback();
    const started = this.spawn('worker', 'apps/worker/src/main.ts', port, { PORT: '0', METRICS_PORT: String(port) });
    await this.waitUntil(started, `http://127.0.0.1:${port}/metrics`);
    return started;
  }

  url(api: ClusterProcess): string {
    return `http://127.0.0.1:${api.port}`;
  }

  /** Resolves with how the process ended: an exit code, or the signal that ended it. */
  stop(target: ClusterProcess, signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return new Promise((resolve) => {
      const { exitCode, signalCode } = target.child;
      if (exitCode !== null || signalCode !== null) return resolve({ code: exitCode, signal: signalCode });
      target.child.once('exit', (code, ended) => resolve({ code, signal: ended }));
      target.child.kill(signal);
    });
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.processes.map((p) => this.stop(p, 'SIGTERM')));
  }

  private spawn(kind: 'api' | 'worker', entry: string, port: number, extra: Record<string, string>): ClusterProcess {
    const compiled = compiledEntry(entry);
    const args = compiled ? [compiled] : ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', entry];
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', ...this.env, ...extra },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const started: ClusterProcess = { kind, port, child, output: [] };
    const keep = (chunk: Buffer) => {
      started.output.push(chunk.toString());
      if (started.output.length > 200) started.output.shift();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.processes.push(started);
    return started;
  }

  private async waitUntil(target: ClusterProcess, url: string, timeoutMs = 300_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && target.child.exitCode === null) {
      try {
        if ((await fetch(url, { signal: AbortSignal.timeout(2000) })).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`${target.kind} did not start:\n${target.output.join('')}`);
  }
}

/**
 * A loopback TCP proxy in front of several API processes, as a load balancer would be: each new connection
 * goes to the first backend that accepts it, so clients of a dead process reconnect to a live one.
 */
export class FailoverProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly backends: number[]) {}

  async start(): Promise<void> {
    this.server = createServer((client) => this.forward(client, 0));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private forward(client: Socket, index: number): void {
    if (index >= this.backends.length) {
      client.destroy();
      return;
    }
    client.pause();
    const upstream = connect(this.backends[index], '127.0.0.1');
    let connected = false;
    upstream.once('error', () => {
      // Refused: try the next backend; failed later: the client reconnects through the proxy.
      if (!connected) this.forward(client, index + 1);
      else client.destroy();
    });
    upstream.once('connect', () => {
      connected = true;
      this.sockets.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      client.resume();
      const close = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.once('close', close);
      upstream.once('close', close);
      client.on('error', close);
      upstream.on('error', close);
    });
  }

  async stop(): Promise<void> {
    this.sockets.forEach((socket) => socket.destroy());
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

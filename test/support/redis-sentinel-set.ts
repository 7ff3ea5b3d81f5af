import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './processes';

interface RedisNode {
  role: 'primary' | 'replica' | 'sentinel';
  port: number;
  child: ChildProcess;
  output: string[];
}

const running = new Set<ChildProcess>();
// Never leave a throwaway Redis behind when the test process ends.
process.once('exit', () => running.forEach((child) => child.kill('SIGKILL')));

/**
 * A throwaway Redis Sentinel deployment on loopback ports: one primary, one replica and three Sentinels (quorum 2),
 * each a child redis-server with nothing on disk. Never the machine's Redis.
 */
export class RedisSentinelSet {
  readonly masterName = 'brigade-test';
  readonly nodes: RedisNode[] = [];
  private readonly dir = mkdtempSync(join(tmpdir(), 'brigade-sentinel-'));

  get sentinelsSetting(): string {
    return this.sentinels.map((node) => `127.0.0.1:${node.port}`).join(',');
  }

  get sentinels(): RedisNode[] {
    return this.nodes.filter((node) => node.role === 'sentinel');
  }

  node(role: 'primary' | 'replica'): RedisNode {
    const found = this.nodes.find((node) => node.role === role && node.child.exitCode === null && node.child.signalCode === null);
    if (!found) throw new Error(`no live ${role}`);
    return found;
  }

  async start(): Promise<void> {
    const primary = await this.startServer('primary', []);
    await this.startServer('replica', ['--replicaof', '127.0.0.1', String(primary.port)]);
    await this.waitFor(async () => (await this.info(this.node('replica').port, 'replication')).includes('master_link_status:up'));
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const file = join(this.dir, `sentinel-${port}.conf`);
      // Sentinels rewrite their file: each gets its own, in the throwaway directory.
      writeFileSync(
        file,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `dir ${this.dir}`,
          `sentinel monitor ${this.masterName} 127.0.0.1 ${primary.port} 2`,
          `sentinel down-after-milliseconds ${this.masterName} 1000`,
          `sentinel failover-timeout ${this.masterName} 10000`,
          `sentinel parallel-syncs ${this.masterName} 1`,
          '',
        ].join('\n'),
      );
      this.launch('sentinel', port, [file, '--sentinel']);
    }
    // Ready when every Sentinel knows the replica and the other two Sentinels.
    await this.waitFor(async () => {
      for (const sentinel of this.sentinels) {
        const state = await this.ask(sentinel.port, (client) => client.call('SENTINEL', 'MASTER', this.masterName));
        const fields = toRecord(state as string[]);
        if (Number(fields['num-slaves']) < 1 || Number(fields['num-other-sentinels']) < 2) return false;
      }
      return true;
    }, 30_000);
  }

  /** The primary's port as the Sentinels report it. */
  async reportedPrimaryPort(): Promise<number> {
    const address = (await this.ask(this.sentinels[0].port, (client) =>
      client.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', this.masterName),
    )) as string[];
    return Number(address[1]);
  }

  /** kill -9 the current primary; resolves once it is gone. */
  async killPrimary(): Promise<number> {
    const primary = this.node('primary');
    await new Promise<void>((resolve) => {
      primary.child.once('exit', () => resolve());
      primary.child.kill('SIGKILL');
    });
    return primary.port;
  }

  /** Waits until the Sentinels name another primary and it accepts writes. */
  async waitForPromotion(formerPort: number, timeoutMs = 30_000): Promise<number> {
    let promoted = 0;
    await this.waitFor(async () => {
      promoted = await this.reportedPrimaryPort();
      if (promoted === formerPort) return false;
      return (await this.info(promoted, 'replication')).includes('role:master');
    }, timeoutMs);
    const node = this.nodes.find((candidate) => candidate.port === promoted);
    if (node) node.role = 'primary';
    return promoted;
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.nodes.map(
        (node) =>
          new Promise<void>((resolve) => {
            if (node.child.exitCode !== null || node.child.signalCode !== null) return resolve();
            node.child.once('exit', () => resolve());
            node.child.kill('SIGKILL');
          }),
      ),
    );
    rmSync(this.dir, { recursive: true, force: true });
  }

  describe(): string {
    return this.nodes.map((node) => `--- ${node.role} ${node.port}\n${node.output.join('')}`).join('\n');
  }

  private async startServer(role: 'primary' | 'replica', extra: string[]): Promise<RedisNode> {
    const port = await freePort();
    const node = this.launch(role, port, [
      '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir, ...extra,
    ]);
    await this.waitFor(async () => (await this.ask(port, (client) => client.ping())) === 'PONG');
    return node;
  }

  private launch(role: RedisNode['role'], port: number, args: string[]): RedisNode {
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    child.once('exit', () => running.delete(child));
    const node: RedisNode = { role, port, child, output: [] };
    const keep = (chunk: Buffer) => {
      node.output.push(chunk.toString());
      if (node.output.length > 100) node.output.shift();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.nodes.push(node);
    return node;
  }

  private info(port: number, section: string): Promise<string> {
    return this.ask(port, (client) => client.info(section)).then((value) => String(value ?? ''));
  }

  /** One command on a short-lived connection; null when the node does not answer. */
  private async ask<T>(port: number, command: (client: Redis) => Promise<T>): Promise<T | null> {
    const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return await command(client);
    } catch {
      return null;
    } finally {
      client.disconnect();
    }
  }

  private async waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await condition().catch(() => false)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`Redis Sentinel set not ready in time:\n${this.describe()}`);
  }
}

function toRecord(flat: string[] | null): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; flat && i + 1 < flat.length; i += 2) record[flat[i]] = flat[i + 1];
  return record;
}

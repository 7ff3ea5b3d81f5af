import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './processes';

const PROJECT_CONF = join(__dirname, '..', '..', 'deploy', 'nginx.conf');

/** The nginx binary (scripts/ensure-nginx.sh installs Debian's nginx-light); /usr/sbin is not always in PATH. */
function nginxBinary(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v nginx || ls /usr/sbin/nginx'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('nginx is missing: run scripts/ensure-nginx.sh');
  }
}

/**
 * A private nginx master process serving the project's own deploy/nginx.conf, its upstream pointed at a platform on
 * loopback: never the machine's nginx service, its configuration, logs or port.
 */
export class TestNginx {
  private constructor(
    private readonly child: ChildProcess,
    private readonly prefix: string,
    readonly port: number,
    private readonly output: string[],
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(upstreamPort: number): Promise<TestNginx> {
    const port = await freePort();
    const prefix = mkdtempSync(join(tmpdir(), 'brigade-nginx-'));
    // When started as root, nginx's workers run as nobody: they must be able to reach their temporary files.
    chmodSync(prefix, 0o755);
    const site = readFileSync(PROJECT_CONF, 'utf8')
      .replace(/server api:3000\b/, `server 127.0.0.1:${upstreamPort}`)
      .replace(/listen 8080;/, `listen 127.0.0.1:${port};`);
    if (!site.includes(`127.0.0.1:${upstreamPort}`) || !site.includes(`listen 127.0.0.1:${port};`)) {
      throw new Error('deploy/nginx.conf no longer has the upstream "api:3000" or "listen 8080" this test rewrites');
    }
    writeFileSync(join(prefix, 'brigade.conf'), site);
    writeFileSync(
      join(prefix, 'nginx.conf'),
      [
        'worker_processes 1;',
        'events { worker_connections 128; }',
        'http {',
        '  access_log off;',
        ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `  ${kind}_temp_path ${join(prefix, kind)};`),
        `  include ${join(prefix, 'brigade.conf')};`,
        '}',
      ].join('\n'),
    );
    const errorLog = join(prefix, 'error.log');
    const child = spawn(
      nginxBinary(),
      ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', errorLog, '-g', `daemon off; pid ${join(prefix, 'nginx.pid')};`],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const output: string[] = [];
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const nginx = new TestNginx(child, prefix, port, output);
    await nginx.waitUntilListening(errorLog);
    return nginx;
  }

  private async waitUntilListening(errorLog: string): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) break;
      const open = await new Promise<boolean>((resolve) => {
        const socket = connect(this.port, '127.0.0.1');
        socket.once('connect', () => (socket.destroy(), resolve(true)));
        socket.once('error', () => resolve(false));
      });
      if (open) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    let log = '';
    try {
      log = readFileSync(errorLog, 'utf8');
    } catch {
      // no log written
    }
    await this.stop();
    throw new Error(`nginx did not start:\n${this.output.join('')}\n${log}`);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      await new Promise<void>((resolve) => {
        this.child.once('exit', () => resolve());
        // QUIT: nginx's graceful stop; its workers go with the master.
        this.child.kill('SIGQUIT');
      });
    }
    rmSync(this.prefix, { recursive: true, force: true });
  }
}

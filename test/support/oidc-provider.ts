import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from './processes';

export interface OidcTestAccount {
  email?: string;
  name?: string;
  given_name?: string;
  family_name?: string;
  groups?: string[];
  units?: string[];
}

export interface OidcTestProviderOptions {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  /** Claims of each account, by the login typed in the provider's sign-in form. */
  accounts: Record<string, OidcTestAccount>;
}

/** The loopback OpenID Connect provider of the tests (test/support/oidc-test-provider.mjs) in a child process. */
export class OidcTestProvider {
  private constructor(
    readonly issuer: string,
    private readonly child: ChildProcess,
    readonly output: string[],
  ) {}

  static async start(options: OidcTestProviderOptions): Promise<OidcTestProvider> {
    const port = await freePort();
    const child = spawn(process.execPath, [join(__dirname, 'oidc-test-provider.mjs')], {
      env: { PATH: process.env.PATH ?? '', OIDC_TEST_SETTINGS: JSON.stringify({ ...options, port }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    const issuer = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`OIDC provider did not start:\n${output.join('')}`)), 15_000);
      const keep = (chunk: Buffer) => {
        output.push(chunk.toString());
        const ready = /OIDC_TEST_PROVIDER_READY (\S+)/.exec(output.join(''));
        if (ready) {
          clearTimeout(timer);
          resolve(ready[1]);
        }
      };
      child.stdout?.on('data', keep);
      child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`OIDC provider exited (${code}):\n${output.join('')}`));
      });
    });
    return new OidcTestProvider(issuer, child, output);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGTERM');
      setTimeout(() => this.child.kill('SIGKILL'), 3000).unref();
    });
  }
}

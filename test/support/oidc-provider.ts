import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './processes';

export interface OidcTestAccount {
  email?: string;
  name?: string;
  given_name?: string;
  family_name?: string;
  /** ProConnect's family name claim. */
  usual_name?: string;
  groups?: string[];
  units?: string[];
}

export interface OidcTestProviderOptions {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  /** Claims of each account, by the login typed in the provider's sign-in form (changeable with setAccounts). */
  accounts: Record<string, OidcTestAccount>;
  /** Loopback port to listen on (the issuer is http://127.0.0.1:<port>); a free one when absent. */
  port?: number;
}

/** Cookies of one simulated browser (every server of the tests is on 127.0.0.1, and cookies ignore ports). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  keep(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (!value || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  has(name: string): boolean {
    return this.cookies.has(name);
  }

  drop(name: string): void {
    this.cookies.delete(name);
  }
}

/** The loopback OpenID Connect provider of the tests (test/support/oidc-test-provider.mjs) in a child process. */
export class OidcTestProvider {
  private constructor(
    readonly issuer: string,
    private readonly child: ChildProcess,
    readonly output: string[],
    private readonly folder: string,
  ) {}

  static async start(options: OidcTestProviderOptions): Promise<OidcTestProvider> {
    const port = options.port ?? (await freePort());
    const folder = mkdtempSync(join(tmpdir(), 'oidc-test-'));
    const accountsFile = join(folder, 'accounts.json');
    writeFileSync(accountsFile, JSON.stringify(options.accounts));
    const { accounts: _accounts, port: _port, ...settings } = options;
    const child = spawn(process.execPath, [join(__dirname, 'oidc-test-provider.mjs')], {
      env: { PATH: process.env.PATH ?? '', OIDC_TEST_SETTINGS: JSON.stringify({ ...settings, accountsFile, port }) },
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
    return new OidcTestProvider(issuer, child, output, folder);
  }

  setAccounts(accounts: Record<string, OidcTestAccount>): void {
    writeFileSync(join(this.folder, 'accounts.json'), JSON.stringify(accounts));
  }

  /**
   * Plays a browser through the whole sign-in over HTTP: the platform's /start, the provider's sign-in and consent
   * forms (its development interactions), and the platform's callback. Returns where the callback sent the browser.
   */
  static async signInOverHttp(platformUrl: string, login: string, jar = new CookieJar()): Promise<{ location: string; jar: CookieJar }> {
    let url = `${platformUrl}/api/auth/oidc/start`;
    let form: Record<string, string> | null = null;
    for (let step = 0; step < 20; step++) {
      const response = await fetch(url, {
        method: form ? 'POST' : 'GET',
        redirect: 'manual',
        headers: { cookie: jar.header(), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        body: form ? new URLSearchParams(form).toString() : undefined,
      });
      jar.keep(response);
      form = null;
      const location = response.headers.get('location');
      if (location) {
        const next = new URL(location, url).href;
        if (next.startsWith(`${platformUrl}/desk/`)) return { location: next, jar };
        url = next;
        continue;
      }
      const html = await response.text();
      const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
      if (response.status !== 200 || !action) throw new Error(`unexpected page at ${url} (${response.status}): ${html.slice(0, 300)}`);
      const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1];
      form = prompt === 'login' ? { prompt, login, password: 'any' } : { prompt: prompt ?? 'consent' };
      url = new URL(action.replace(/&amp;/g, '&'), url).href;
    }
    throw new Error('the sign-in never came back to the desk');
  }

  async stop(): Promise<void> {
    rmSync(this.folder, { recursive: true, force: true });
    if (this.child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGTERM');
      setTimeout(() => this.child.kill('SIGKILL'), 3000).unref();
    });
  }
}

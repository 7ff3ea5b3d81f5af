import { randomInt, randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { connectCitizen } from '../support/clients';
import { TestNginx } from '../support/nginx';
import { PlatformProcesses, freePort } from '../support/processes';
import { freshDatabase } from '../support/databases';
import { TEST_REDIS_URL } from '../support/test-env';

type LogLine = { msg?: string; req?: { id?: string; url?: string; headers?: Record<string, string> }; res?: { statusCode?: number } };
type Answer = { status: number; requestId: string | undefined };

jest.setTimeout(120_000);

/**
 * The platform behind a real nginx running the project's deploy/nginx.conf, as the scale-out compose file deploys
 * it: the per-address login limit counts the address nginx sees, whatever a client claims, and nginx's request id
 * reaches the answer and the API's logs.
 */
describe('behind the project’s nginx', () => {
  let platform: PlatformProcesses;
  let nginx: TestNginx;

  /** Distinct loopback addresses (all of 127/8 is local on Linux): each is one client, unique to this run. */
  const clientAddress = () => `127.${randomInt(1, 250)}.${randomInt(1, 250)}.${randomInt(2, 250)}`;

  /** A failed login sent from `localAddress` through nginx, with whatever headers the client adds. */
  const attempt = (localAddress: string, headers: Record<string, string> = {}): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify({ login: 'personne', password: 'mauvais mot de passe' });
      const call = request(
        `${nginx.url}/api/auth/login`,
        { method: 'POST', localAddress, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } },
        (response) => {
          response.resume();
          response.once('end', () => {
            const id = response.headers['x-request-id'];
            resolve({ status: response.statusCode ?? 0, requestId: typeof id === 'string' ? id : undefined });
          });
        },
      );
      call.once('error', reject);
      call.end(body);
    });

  const apiLines = (): LogLine[] =>
    platform.output
      .filter((chunk) => chunk.startsWith('[api] '))
      .map((chunk) => chunk.slice(6))
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine);

  async function requestLine(requestId: string): Promise<LogLine> {
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const line = apiLines().find((candidate) => candidate.req?.id === requestId && candidate.res);
      if (line) return line;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no API log line for ${requestId}:\n${platform.output.join('').slice(-3000)}`);
  }

  beforeAll(async () => {
    platform = new PlatformProcesses(
      {
        NODE_ENV: 'development',
        DATABASE_URL: await freshDatabase('behind_nginx'),
        REDIS_URL: TEST_REDIS_URL,
        QUEUE_PREFIX: `nginx-${randomUUID().slice(0, 6)}`,
        LOG_LEVEL: 'info',
        AUTH_LOGIN_ATTEMPTS_PER_MINUTE: '3',
        // Only nginx's hop is trusted to name the client: the clients below come from other loopback addresses.
        TRUST_PROXY: '127.0.0.1',
      },
      await freePort(),
    );
    await platform.start('api');
    nginx = await TestNginx.start(platform.port);
  });

  afterAll(async () => {
    await nginx?.stop();
    await platform?.stopAll();
  });

  it('limits two clients separately: one client’s failures never block another’s logins', async () => {
    const noisy = clientAddress();
    const other = clientAddress();
    const statuses = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await attempt(noisy)).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    expect((await attempt(other)).status).toBe(401);
  });

  it('lets no client pick its own address: nginx replaces X-Forwarded-For and X-Real-IP with the address it sees', async () => {
    const client = clientAddress();
    const statuses = [];
    let last: Answer | undefined;
    for (const claimed of ['203.0.113.1', '203.0.113.2', '203.0.113.3', '203.0.113.4']) {
      last = await attempt(client, { 'x-forwarded-for': claimed, 'x-real-ip': claimed });
      statuses.push(last.status);
    }
    // Four claimed addresses, one client: the fourth attempt is over the limit of three.
    expect(statuses).toEqual([401, 401, 401, 429]);
    // What the API received, from its own request log line.
    const line = await requestLine(last?.requestId ?? '');
    expect(line.req?.headers?.['x-forwarded-for']).toBe(client);
    expect(line.req?.headers?.['x-real-ip']).toBe(client);
  });

  it('answers with nginx’s request id, which the API’s log line for the request carries', async () => {
    const answer = await attempt(clientAddress(), { 'x-request-id': 'chosen-by-the-client' });
    // nginx's $request_id (32 hex digits) replaced the client's own.
    expect(answer.requestId).toMatch(/^[0-9a-f]{32}$/);
    const line = await requestLine(answer.requestId ?? '');
    expect(line.req?.url).toBe('/api/auth/login');
    expect(line.res?.statusCode).toBe(answer.status);
    expect(line.req?.headers?.['x-request-id']).toBe(answer.requestId);
    // Static pages too.
    const page = await fetch(`${nginx.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('passes the web chat’s WebSocket through, as the widget connects behind it', async () => {
    const citizen = await connectCitizen(nginx.url);
    try {
      await citizen.log.waitFor('session');
    } finally {
      citizen.socket.disconnect();
    }
  });
});

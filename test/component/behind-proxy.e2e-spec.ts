import { TestPlatform, startPlatform } from '../support/test-platform';

/** Behind a reverse proxy: who may name the client's address (TRUST_PROXY), and a request id on every answer. */
describe('behind a reverse proxy', () => {
  let trusting: TestPlatform;
  let untrusting: TestPlatform;

  beforeAll(async () => {
    // The tests reach the platform from loopback, as nginx on the same host would.
    trusting = await startPlatform({ AUTH_LOGIN_ATTEMPTS_PER_MINUTE: '3', TRUST_PROXY: 'loopback' }, 'api');
    untrusting = await startPlatform({ AUTH_LOGIN_ATTEMPTS_PER_MINUTE: '3', TRUST_PROXY: '192.0.2.10' }, 'api');
  });
  afterAll(async () => {
    await untrusting.close();
    await trusting.close();
  });

  /** A failed login as nginx forwards it: the client's address appended to X-Forwarded-For. */
  const attempt = (platform: TestPlatform, clientAddress: string) =>
    fetch(`${platform.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': clientAddress, 'x-request-id': `req-${clientAddress}` },
      body: JSON.stringify({ login: 'personne', password: 'mauvais mot de passe' }),
    });

  it('counts the login limit per client address given by a trusted proxy: one client cannot block the others', async () => {
    const noisy = [];
    for (let i = 0; i < 5; i += 1) noisy.push((await attempt(trusting, '203.0.113.7')).status);
    expect(noisy.slice(0, 3)).toEqual([401, 401, 401]);
    expect(noisy.slice(3)).toEqual([429, 429]);
    // Another citizen behind the same proxy still gets an answer on their credentials.
    expect((await attempt(trusting, '198.51.100.20')).status).toBe(401);
  });

  it('ignores X-Forwarded-For from a peer that is not a configured proxy (nobody can pick their own address)', async () => {
    const statuses = [];
    for (const address of ['203.0.113.1', '203.0.113.2', '203.0.113.3', '203.0.113.4']) statuses.push((await attempt(untrusting, address)).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  it('answers every request with x-request-id, static pages included, reusing the proxy’s id', async () => {
    const page = await fetch(`${trusting.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const forwarded = await fetch(`${trusting.url}/health`, { headers: { 'x-request-id': 'nginx-4f2a9c' } });
    expect(forwarded.headers.get('x-request-id')).toBe('nginx-4f2a9c');
    const missing = await fetch(`${trusting.url}/no-such-page`);
    expect(missing.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const refused = await attempt(trusting, '192.0.2.99');
    expect(refused.headers.get('x-request-id')).toBe('req-192.0.2.99');
  });
});

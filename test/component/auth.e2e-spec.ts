import { JwtService } from '@nestjs/jwt';
import { connectDesk } from '../support/clients';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

interface SignedIn {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  agent: { agentId: string; role: string };
}

describe('desk sign-in: lockout, refresh rotation, logout that revokes', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startPlatform({ AUTH_MAX_FAILED_LOGINS: '3', AUTH_LOGIN_ATTEMPTS_PER_MINUTE: '1000' });
  });
  afterAll(async () => {
    await platform?.close();
  });
  beforeEach(async () => {
    await resetDatabase(platform.dataSource);
  });

  async function post(path: string, body: unknown, token?: string) {
    return fetch(`${platform.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  }

  async function signIn(login: string, password = TEST_PASSWORD): Promise<SignedIn> {
    const response = await post('/api/auth/login', { login, password });
    expect(response.status).toBe(200);
    return (await response.json()) as SignedIn;
  }

  const me = (token: string) => fetch(`${platform.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });

  it('signs in with a short-lived access token and a refresh token, never revealing which part was wrong', async () => {
    const agent = await createAgent(platform.dataSource);
    const session = await signIn(agent.login);
    expect(session.expiresIn).toBe(900);
    expect(session.refreshToken.length).toBeGreaterThan(30);
    expect((await me(session.accessToken)).status).toBe(200);

    const wrongPassword = await post('/api/auth/login', { login: agent.login, password: 'nope' });
    const unknownLogin = await post('/api/auth/login', { login: 'nobody-here', password: 'nope' });
    expect(wrongPassword.status).toBe(401);
    expect(unknownLogin.status).toBe(401);
    expect(((await wrongPassword.json()) as { message: string }).message).toBe(
      ((await unknownLogin.json()) as { message: string }).message,
    );
  });

  it('locks the account after repeated failures, even for the right password, until the lock expires', async () => {
    const agent = await createAgent(platform.dataSource);
    for (let i = 0; i < 3; i++) expect((await post('/api/auth/login', { login: agent.login, password: 'guess' })).status).toBe(401);
    const locked = await post('/api/auth/login', { login: agent.login, password: TEST_PASSWORD });
    expect(locked.status).toBe(423);
    const audit = await platform.dataSource.query(`SELECT action FROM audit_events WHERE subject_id = $1 ORDER BY id`, [agent.id]);
    expect(audit.map((row: { action: string }) => row.action)).toEqual(['auth.login-failed', 'auth.login-failed', 'auth.locked']);

    await platform.dataSource.query(`UPDATE agents SET locked_until = now() - interval '1 second' WHERE id = $1`, [agent.id]);
    await signIn(agent.login);
  });

  it('rotates the refresh token, and revokes the session when an old one is replayed', async () => {
    const agent = await createAgent(platform.dataSource);
    const first = await signIn(agent.login);
    const refreshed = await post('/api/auth/refresh', { refreshToken: first.refreshToken });
    expect(refreshed.status).toBe(200);
    const second = (await refreshed.json()) as SignedIn;
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await me(second.accessToken)).status).toBe(200);

    // The first refresh token was stolen and replayed: the whole session ends.
    expect((await post('/api/auth/refresh', { refreshToken: first.refreshToken })).status).toBe(401);
    expect((await me(second.accessToken)).status).toBe(401);
    expect((await post('/api/auth/refresh', { refreshToken: second.refreshToken })).status).toBe(401);
  });

  it('logs out: the access token is refused at once on REST and on the desk socket', async () => {
    const agent = await createAgent(platform.dataSource);
    const session = await signIn(agent.login);
    const desk = await connectDesk(platform.url, session.accessToken);
    desk.socket.disconnect();

    expect((await post('/api/auth/logout', {}, session.accessToken)).status).toBe(204);
    expect((await me(session.accessToken)).status).toBe(401);
    await expect(connectDesk(platform.url, session.accessToken)).rejects.toThrow('unauthorized');
    expect((await post('/api/auth/refresh', { refreshToken: session.refreshToken })).status).toBe(401);
  });

  it('refuses expired, tampered and foreign-signed tokens', async () => {
    const agent = await createAgent(platform.dataSource);
    const session = await signIn(agent.login);
    const [header, payload, signature] = session.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const promoted = Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url');
    expect((await me(`${header}.${promoted}.${signature}`)).status).toBe(401);

    const foreign = await new JwtService({ secret: 'another-secret-of-at-least-32-characters!!' }).signAsync(claims);
    expect((await me(foreign)).status).toBe(401);

    const expired = await new JwtService({ secret: platform.config.auth.jwtSecret }).signAsync({
      ...claims,
      exp: Math.floor(Date.now() / 1000) - 10,
      iat: Math.floor(Date.now() / 1000) - 1000,
    });
    expect((await me(expired)).status).toBe(401);
  });

  it('applies a role change and a deactivation to tokens already issued', async () => {
    const agent = await createAgent(platform.dataSource, { role: 'supervisor' });
    const session = await signIn(agent.login);
    await platform.dataSource.query(`UPDATE agents SET active = false WHERE id = $1`, [agent.id]);
    expect((await me(session.accessToken)).status).toBe(401);
  });
});

describe('login throttling per address', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startPlatform({ AUTH_LOGIN_ATTEMPTS_PER_MINUTE: '3' });
  });
  afterAll(async () => {
    await platform?.close();
  });

  it('answers 429 past the allowed attempts per minute', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`${platform.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login: `someone-${i}`, password: 'x' }),
      });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });
});

import { generateSync } from 'otplib';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

interface SignedIn {
  accessToken: string;
  refreshToken: string;
  agent: { agentId: string; role: string };
}
interface MfaRequired {
  mfaRequired: 'verify' | 'enrol';
  mfaToken: string;
  expiresIn: number;
}
interface Enrolment {
  secret: string;
  otpauthUrl: string;
  qrCode: string;
}

/** A code of the authenticator `stepsAhead` periods of 30 s from now (the server accepts one step of drift). */
const totp = (secret: string, stepsAhead = 0) => generateSync({ secret, epoch: Math.floor(Date.now() / 1000) + 30 * stepsAhead });

const wrongCode = (secret: string) => (totp(secret) === '000000' ? '111111' : '000000');

// Argon2 hashing dominates these tests; on a busy machine they need more than the default 30 s.
jest.setTimeout(120_000);

describe('second factor (TOTP) of local accounts, required of supervisors and administrators', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startPlatform({
      MFA_REQUIRED_ROLES: 'supervisor,admin',
      MFA_ATTEMPTS_PER_CHALLENGE: '3',
      AUTH_LOGIN_ATTEMPTS_PER_MINUTE: '1000',
    });
  });
  afterAll(async () => {
    await platform.close();
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

  async function passwordStep(login: string): Promise<MfaRequired & Partial<SignedIn>> {
    const response = await post('/api/auth/login', { login, password: TEST_PASSWORD });
    expect(response.status).toBe(200);
    return (await response.json()) as MfaRequired & Partial<SignedIn>;
  }

  /** Enrols a supervisor through the API; returns the secret and the recovery codes. */
  async function enrol(login: string): Promise<{ secret: string; code: string; recoveryCodes: string[]; session: SignedIn }> {
    const challenge = await passwordStep(login);
    expect(challenge.mfaRequired).toBe('enrol');
    const enrolment = (await (await post('/api/auth/mfa/enrolment', { mfaToken: challenge.mfaToken })).json()) as Enrolment;
    const code = totp(enrolment.secret);
    const confirmed = await post('/api/auth/mfa/enrolment/confirm', { mfaToken: challenge.mfaToken, code });
    expect(confirmed.status).toBe(200);
    const body = (await confirmed.json()) as SignedIn & { recoveryCodes: string[] };
    return { secret: enrolment.secret, code, recoveryCodes: body.recoveryCodes, session: body };
  }

  const me = (token: string) => fetch(`${platform.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });

  async function auditActions(agentId: string): Promise<string[]> {
    const rows: { action: string }[] = await platform.dataSource.query(
      `SELECT action FROM audit_events WHERE subject_id = $1 ORDER BY id`,
      [agentId],
    );
    return rows.map((row) => row.action);
  }

  it('signs an agent in with the password alone when their role does not require a second factor', async () => {
    const agent = await createAgent(platform.dataSource, { role: 'agent' });
    const result = await passwordStep(agent.login);
    expect(result.mfaRequired).toBeUndefined();
    expect((await me(result.accessToken!)).status).toBe(200);
  });

  it('makes a supervisor enrol with a QR code before any token, then gives recovery codes and signs in', async () => {
    const supervisor = await createAgent(platform.dataSource, { role: 'supervisor' });
    const challenge = await passwordStep(supervisor.login);
    expect(challenge).toEqual({ mfaRequired: 'enrol', mfaToken: expect.any(String), expiresIn: 300 });
    expect(challenge).not.toHaveProperty('accessToken');
    // The challenge is no desk token.
    expect((await me(challenge.mfaToken)).status).toBe(401);

    const enrolment = (await (await post('/api/auth/mfa/enrolment', { mfaToken: challenge.mfaToken })).json()) as Enrolment;
    expect(enrolment.qrCode).toMatch(/^data:image\/png;base64,/);
    expect(enrolment.otpauthUrl).toBe(`otpauth://totp/Brigade:${supervisor.login}?secret=${enrolment.secret}&issuer=Brigade`);
    const [stored] = await platform.dataSource.query(`SELECT secret_ciphertext, enabled_at FROM agent_mfa WHERE agent_id = $1`, [supervisor.id]);
    expect(stored.secret_ciphertext).not.toContain(enrolment.secret);
    expect(stored.enabled_at).toBeNull();

    const wrong = await post('/api/auth/mfa/enrolment/confirm', { mfaToken: challenge.mfaToken, code: wrongCode(enrolment.secret) });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { message: string }).message).toBe('Code incorrect');

    const confirmed = await post('/api/auth/mfa/enrolment/confirm', { mfaToken: challenge.mfaToken, code: totp(enrolment.secret) });
    expect(confirmed.status).toBe(200);
    const session = (await confirmed.json()) as SignedIn & { recoveryCodes: string[] };
    expect(session.recoveryCodes).toHaveLength(10);
    expect(new Set(session.recoveryCodes).size).toBe(10);
    session.recoveryCodes.forEach((code) => expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/));
    expect((await me(session.accessToken)).status).toBe(200);

    const [enabled] = await platform.dataSource.query(`SELECT enabled_at, recovery_code_hashes FROM agent_mfa WHERE agent_id = $1`, [supervisor.id]);
    expect(enabled.enabled_at).not.toBeNull();
    expect(enabled.recovery_code_hashes).toHaveLength(10);
    expect(enabled.recovery_code_hashes.join()).not.toContain(session.recoveryCodes[0]);
    expect(await auditActions(supervisor.id)).toEqual(['auth.mfa-challenge', 'auth.mfa-failed', 'auth.mfa-enrolled', 'auth.login']);
    const [login] = await platform.dataSource.query(`SELECT details FROM audit_events WHERE action = 'auth.login' AND subject_id = $1`, [supervisor.id]);
    expect(login.details.method).toBe('password+totp');
    // The challenge is spent: it cannot enrol or sign in again.
    expect((await post('/api/auth/mfa/enrolment', { mfaToken: challenge.mfaToken })).status).toBe(401);
  });

  it('asks an enrolled supervisor for a code, accepts each code once, and each recovery code once', async () => {
    const supervisor = await createAgent(platform.dataSource, { role: 'supervisor' });
    const { secret, code, recoveryCodes } = await enrol(supervisor.login);

    const first = await passwordStep(supervisor.login);
    expect(first.mfaRequired).toBe('verify');
    // The enrolment's code was accepted for its time step already: presenting it again is refused.
    expect((await post('/api/auth/mfa/verify', { mfaToken: first.mfaToken, code })).status).toBe(401);
    const next = await post('/api/auth/mfa/verify', { mfaToken: first.mfaToken, code: totp(secret, 1) });
    expect(next.status).toBe(200);
    expect((await me(((await next.json()) as SignedIn).accessToken)).status).toBe(200);

    const second = await passwordStep(supervisor.login);
    const recovered = await post('/api/auth/mfa/verify', { mfaToken: second.mfaToken, code: recoveryCodes[3].toUpperCase() });
    expect(recovered.status).toBe(200);
    const third = await passwordStep(supervisor.login);
    expect((await post('/api/auth/mfa/verify', { mfaToken: third.mfaToken, code: recoveryCodes[3] })).status).toBe(401);
    const [row] = await platform.dataSource.query(`SELECT cardinality(recovery_code_hashes) AS left FROM agent_mfa WHERE agent_id = $1`, [supervisor.id]);
    expect(row.left).toBe(9);
    const [used] = await platform.dataSource.query(
      `SELECT details FROM audit_events WHERE action = 'auth.mfa-recovery-code-used' AND subject_id = $1`,
      [supervisor.id],
    );
    expect(used.details.remaining).toBe(9);
  });

  it('spends a challenge after the allowed wrong codes, and an administrator can reset a lost second factor', async () => {
    const admin = await createAgent(platform.dataSource, { role: 'admin' });
    const supervisor = await createAgent(platform.dataSource, { role: 'supervisor' });
    const { session: adminSession } = await enrol(admin.login);
    const { secret } = await enrol(supervisor.login);

    const challenge = await passwordStep(supervisor.login);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await post('/api/auth/mfa/verify', { mfaToken: challenge.mfaToken, code: 'aaaaa-bbbbb' })).status);
    expect(statuses).toEqual([401, 401, 429]);
    // Even the right code no longer works on the spent challenge.
    expect((await post('/api/auth/mfa/verify', { mfaToken: challenge.mfaToken, code: totp(secret, 1) })).status).toBe(401);

    const agent = await createAgent(platform.dataSource, { role: 'agent' });
    const agentToken = (await passwordStep(agent.login)).accessToken!;
    const reset = await fetch(`${platform.url}/api/admin/agents/${supervisor.id}/mfa`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${adminSession.accessToken}` },
    });
    expect(reset.status).toBe(204);
    const forbidden = await fetch(`${platform.url}/api/admin/agents/${admin.id}/mfa`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${agentToken}` },
    });
    expect(forbidden.status).toBe(403);
    expect((await passwordStep(supervisor.login)).mfaRequired).toBe('enrol');
    expect(await auditActions(supervisor.id)).toContain('agent.mfa-reset');
  });
});

import { JwtService } from '@nestjs/jwt';
import type { QueueStatusEvent } from '@brigade/realtime';
import { QUEUE_WATCH_ROOM } from '@brigade/realtime';
import { DeskGateway } from '../../apps/api/src/desk/desk.gateway';
import { DeskClient, connectCitizen, connectDesk, newClientMessageId } from '../support/clients';
import { AgentSpec, TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

type Ack<T> = { ok: true; data: T } | { ok: false; error: string; status: number };

/** Open `/desk` sockets follow their session on every API process: logout, reset, deactivation, expiry, role change. */
describe('desk sockets follow the session', () => {
  let platform: TestPlatform;
  let secondApi: TestPlatform;
  const sockets: { disconnect(): unknown }[] = [];

  beforeAll(async () => {
    platform = await startPlatform({ AUTH_LOGIN_ATTEMPTS_PER_MINUTE: '1000' });
    // A second API process on the same Redis and database: a session ended on one ends its sockets on the other.
    secondApi = await startPlatform({ AUTH_LOGIN_ATTEMPTS_PER_MINUTE: '1000', QUEUE_PREFIX: platform.config.redis.queuePrefix }, 'api');
  });
  afterAll(async () => {
    await secondApi.close();
    await platform.close();
  });
  beforeEach(async () => {
    await resetDatabase(platform.dataSource);
  });
  afterEach(() => {
    sockets.splice(0).forEach((socket) => socket.disconnect());
  });

  async function signIn(loginName: string, password = TEST_PASSWORD) {
    const response = await fetch(`${platform.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: loginName, password }),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as { accessToken: string; refreshToken: string };
  }

  async function desk(target: TestPlatform, token: string) {
    const connected = await connectDesk(target.url, token);
    sockets.push(connected.socket);
    return connected;
  }

  async function agentWithDesks(spec: AgentSpec = {}) {
    const agent = await createAgent(platform.dataSource, spec);
    const session = await signIn(agent.login);
    const onFirst = await desk(platform, session.accessToken);
    const onSecond = await desk(secondApi, session.accessToken);
    return { agent, session, onFirst, onSecond };
  }

  /** Resolves with the disconnect reason, or rejects when the socket is still connected after the timeout. */
  function disconnected(socket: DeskClient, timeoutMs = 5_000): Promise<string> {
    if (!socket.connected) return Promise.resolve('already');
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('socket still connected')), timeoutMs);
      socket.once('disconnect', (reason) => {
        clearTimeout(timer);
        resolve(reason);
      });
    });
  }

  const api = (token: string, method: string, path: string, body?: unknown) =>
    fetch(`${platform.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });

  it('logout disconnects that session’s sockets on every API process at once, and only them', async () => {
    const { agent, session, onFirst, onSecond } = await agentWithDesks();
    // The same gendarme signed in on another device: that session stays.
    const other = await signIn(agent.login);
    const otherDesk = await desk(secondApi, other.accessToken);

    // Both listen before the logout: the two processes disconnect them at the same moment.
    const firstGone = disconnected(onFirst.socket);
    const secondGone = disconnected(onSecond.socket);
    const started = Date.now();
    expect((await api(session.accessToken, 'POST', '/api/auth/logout')).status).toBeLessThan(300);
    expect(await firstGone).toBe('io server disconnect');
    expect(await secondGone).toBe('io server disconnect');
    expect(Date.now() - started).toBeLessThan(2_000);

    // The signed-out token opens no new socket; the other device keeps working.
    await expect(connectDesk(platform.url, session.accessToken)).rejects.toThrow('unauthorized');
    expect(otherDesk.socket.connected).toBe(true);
    const ack = (await otherDesk.socket.emitWithAck('presence:set', { presence: 'available' })) as Ack<unknown>;
    expect(ack.ok).toBe(true);
  });

  it('a password reset and a deactivation disconnect every socket of the agent', async () => {
    const admin = await createAgent(platform.dataSource, { role: 'admin' });
    const adminToken = (await signIn(admin.login)).accessToken;

    const reset = await agentWithDesks();
    const issued = await api(adminToken, 'POST', `/api/admin/agents/${reset.agent.id}/password-reset`);
    expect(issued.status).toBe(201);
    const { code } = (await issued.json()) as { code: string };
    // Issuing a code changes nothing yet; redeeming it ends every session.
    expect(reset.onFirst.socket.connected).toBe(true);
    const redeemed = await fetch(`${platform.url}/api/auth/password-reset`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: reset.agent.login, code, newPassword: 'un nouveau mot de passe solide' }),
    });
    expect(redeemed.status).toBe(204);
    await disconnected(reset.onFirst.socket);
    await disconnected(reset.onSecond.socket);

    const leaving = await agentWithDesks();
    expect((await api(adminToken, 'POST', `/api/admin/agents/${leaving.agent.id}/deactivate`)).status).toBe(200);
    await disconnected(leaving.onFirst.socket);
    await disconnected(leaving.onSecond.socket);
    // The administrator's own socket is untouched.
    const adminDesk = await desk(platform, adminToken);
    expect(adminDesk.socket.connected).toBe(true);
  });

  it('a socket is disconnected when its access token expires, unless renewed with a fresh token of the session', async () => {
    const agent = await createAgent(platform.dataSource);
    const session = await signIn(agent.login);
    const otherAgent = await createAgent(platform.dataSource);
    const foreignToken = (await signIn(otherAgent.login)).accessToken;
    const claims = new JwtService().decode<{ sid: string }>(session.accessToken);
    // A token of the same session living 3 s, signed like the platform's (its secret and issuer).
    const shortLived = await platform.app
      .get(JwtService, { strict: false })
      .signAsync({ sub: agent.id, role: 'agent', name: agent.displayName, sid: claims.sid, typ: 'access' }, { expiresIn: 3 });

    const [expiring, renewed, intruder] = await Promise.all([desk(secondApi, shortLived), desk(platform, shortLived), desk(platform, shortLived)]);
    // Listened to from the start: the two sockets expire together, in either order.
    const expiringGone = disconnected(expiring.socket, 10_000);
    const intruderGone = disconnected(intruder.socket, 10_000);
    const renewal = (await renewed.socket.timeout(2_000).emitWithAck('session:renew', { token: session.accessToken })) as Ack<{ expiresAt: string }>;
    expect(renewal.ok).toBe(true);
    // A token of another agent is refused: the socket keeps its own, and expires with it.
    const foreign = (await intruder.socket.timeout(2_000).emitWithAck('session:renew', { token: foreignToken })) as Ack<unknown>;
    expect(foreign).toMatchObject({ ok: false, status: 401 });

    const started = Date.now();
    expect(await expiringGone).toBe('io server disconnect');
    expect(await intruderGone).toBe('io server disconnect');
    expect(Date.now() - started).toBeLessThan(4_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(renewed.socket.connected).toBe(true);
    expect(((await renewed.socket.emitWithAck('presence:set', { presence: 'available' })) as Ack<unknown>).ok).toBe(true);
  });

  it('every event checks the session again, even when no change notification arrives', async () => {
    const { agent, onFirst } = await agentWithDesks({ onShift: true });
    const citizen = await connectCitizen(platform.url);
    sockets.push(citizen.socket);
    await citizen.log.waitFor('session');
    await onFirst.socket.emitWithAck('presence:set', { presence: 'available' });
    await citizen.socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text: 'Bonjour' });
    const assigned = await onFirst.log.waitFor<{ conversation: { id: string } }>('conversation:assigned');

    // The notification path switched off: only the per-event check is left to notice the revoked session.
    await platform.dataSource.query(`ALTER TABLE auth_sessions DISABLE TRIGGER auth_sessions_revoked`);
    try {
      await platform.dataSource.query(`UPDATE auth_sessions SET revoked_at = now() WHERE agent_id = $1`, [agent.id]);
      const refused = (await onFirst.socket.emitWithAck('message:send', {
        conversationId: assigned.conversation.id,
        clientMessageId: newClientMessageId(),
        text: 'Réponse après déconnexion',
      })) as Ack<unknown>;
      expect(refused).toMatchObject({ ok: false, status: 401 });
      await disconnected(onFirst.socket);
      const stored = await platform.dataSource.query(`SELECT count(*)::int AS n FROM messages WHERE text = 'Réponse après déconnexion'`);
      expect(stored[0].n).toBe(0);
    } finally {
      await platform.dataSource.query(`ALTER TABLE auth_sessions ENABLE TRIGGER auth_sessions_revoked`);
    }
  });

  it('a supervisor demoted to agent leaves the supervisors’ rooms at once and receives no more queue:status', async () => {
    const admin = await createAgent(platform.dataSource, { role: 'admin' });
    const adminToken = (await signIn(admin.login)).accessToken;
    const demoted = await agentWithDesks({ role: 'supervisor' });
    const staying = await agentWithDesks({ role: 'supervisor' });
    for (const socket of [demoted.onSecond.socket, staying.onFirst.socket]) {
      expect((await socket.emitWithAck('queue:watch', { watch: true })) as Ack<unknown>).toEqual({ ok: true, data: { watching: true } });
    }

    expect((await api(adminToken, 'PATCH', `/api/admin/agents/${demoted.agent.id}`, { role: 'agent' })).status).toBe(200);
    const gateway = secondApi.app.get(DeskGateway);
    const deadline = Date.now() + 3_000;
    const watching = async () => (await gateway.server.in(QUEUE_WATCH_ROOM).local.fetchSockets()).map((s) => s.id);
    while ((await watching()).includes(demoted.onSecond.socket.id!) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await watching()).not.toContain(demoted.onSecond.socket.id);
    const before = demoted.onSecond.log.all('queue:status').length;

    const citizen = await connectCitizen(platform.url);
    sockets.push(citizen.socket);
    await citizen.log.waitFor('session');
    await citizen.socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text: 'Bonjour' });
    await staying.onFirst.log.waitFor<QueueStatusEvent>('queue:status', (status) => status.queue.waiting === 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(demoted.onSecond.log.all('queue:status')).toHaveLength(before);
    // Still signed in as an agent; watching again is refused.
    expect(demoted.onSecond.socket.connected).toBe(true);
    expect(await demoted.onSecond.socket.emitWithAck('queue:watch', { watch: true })).toMatchObject({ ok: false, status: 403 });
  });
});

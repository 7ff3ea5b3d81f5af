import type { QueueStatusEvent } from '@brigade/realtime';
import { connectCitizen, connectDesk, login, newClientMessageId } from '../support/clients';
import { AgentSpec, TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

type Ack<T> = { ok: true; data: T } | { ok: false; error: string; status: number };

/** The supervisor console's live push (`queue:watch` / `queue:status`) across two API processes. */
describe('supervisor console live push', () => {
  let platform: TestPlatform;
  let secondApi: TestPlatform;
  const sockets: { disconnect(): unknown }[] = [];

  beforeAll(async () => {
    platform = await startPlatform({ AUTH_LOGIN_ATTEMPTS_PER_MINUTE: '1000' });
    // A second API process on the same Redis and queue prefix: the Redis Streams adapter joins them.
    secondApi = await startPlatform(
      { AUTH_LOGIN_ATTEMPTS_PER_MINUTE: '1000', QUEUE_PREFIX: platform.config.redis.queuePrefix },
      'api',
    );
  });
  afterAll(async () => {
    await secondApi?.close();
    await platform?.close();
  });
  beforeEach(async () => {
    await resetDatabase(platform.dataSource);
  });
  afterEach(() => {
    sockets.splice(0).forEach((socket) => socket.disconnect());
  });

  async function deskOf(target: TestPlatform, spec: AgentSpec) {
    const agent = await createAgent(platform.dataSource, spec);
    const token = await login(target.url, agent.login, TEST_PASSWORD);
    const desk = await connectDesk(target.url, token);
    sockets.push(desk.socket);
    return { agent, token, ...desk };
  }

  async function citizenWrites(text: string) {
    const citizen = await connectCitizen(platform.url);
    sockets.push(citizen.socket);
    await citizen.log.waitFor('session');
    const ack = (await citizen.socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text })) as Ack<unknown>;
    expect(ack.ok).toBe(true);
  }

  it('pushes queue:status to watching supervisors on every API process after a new conversation arrives', async () => {
    const supervisor = await deskOf(platform, { role: 'supervisor' });
    const admin = await deskOf(secondApi, { role: 'admin' });
    for (const watcher of [supervisor, admin]) {
      const ack = (await watcher.socket.emitWithAck('queue:watch', { watch: true })) as Ack<{ watching: boolean }>;
      expect(ack).toEqual({ ok: true, data: { watching: true } });
    }

    // Nobody on duty: the conversation waits, and the supervisors see it counted without asking.
    await citizenWrites('Bonjour, je voudrais signaler un vol');
    const isWaiting = (status: QueueStatusEvent) => status.queue.waiting === 1;
    const first = await supervisor.log.waitFor<QueueStatusEvent>('queue:status', isWaiting);
    const onSecond = await admin.log.waitFor<QueueStatusEvent>('queue:status', isWaiting);
    expect(first.queue.buckets).toEqual([expect.objectContaining({ channel: 'webchat', waiting: 1 })]);
    expect(first.queue.open).toHaveLength(1);
    // Counted in the last hours (the arrival and the snapshot may fall either side of the hour).
    expect(first.queue.hourly.reduce((sum, hour) => sum + hour.arrivals, 0)).toBe(1);
    expect(first.queue.waitDistribution[0].count).toBe(1);
    expect(first.agents.map((a) => a.id)).toEqual(expect.arrayContaining([supervisor.agent.id, admin.agent.id]));
    // Computed once and broadcast: both processes' sockets received the same snapshot.
    expect(onSecond.queue.at).toBe(first.queue.at);

    // An agent becoming available takes it: the assignment is pushed too.
    const gendarme = await deskOf(secondApi, { onShift: true });
    expect(((await gendarme.socket.emitWithAck('presence:set', { presence: 'available' })) as Ack<unknown>).ok).toBe(true);
    await gendarme.log.waitFor('conversation:assigned');
    const assigned = await supervisor.log.waitFor<QueueStatusEvent>(
      'queue:status',
      (status) => status.queue.waiting === 0 && status.queue.assigned === 1,
    );
    expect(assigned.agents.find((a) => a.id === gendarme.agent.id)).toMatchObject({ load: 1, presence: 'available' });
  });

  it('coalesces a burst of arrivals into at most one snapshot a second', async () => {
    const supervisor = await deskOf(platform, { role: 'supervisor' });
    await supervisor.socket.emitWithAck('queue:watch', { watch: true });
    const started = Date.now();
    await Promise.all([1, 2, 3, 4, 5, 6].map((n) => citizenWrites(`Question numéro ${n}`)));
    await supervisor.log.waitFor<QueueStatusEvent>('queue:status', (status) => status.queue.waiting === 6);
    const snapshots = supervisor.log.all<QueueStatusEvent>('queue:status');
    const seconds = (Date.now() - started) / 1000;
    expect(snapshots.length).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    const times = snapshots.map((s) => Date.parse(s.queue.at));
    times.slice(1).forEach((at, i) => expect(at - times[i]).toBeGreaterThanOrEqual(900));
  });

  it('refuses the supervisors room to an agent socket, and stops pushing to a console that stops watching', async () => {
    const gendarme = await deskOf(platform, { role: 'agent' });
    const refused = (await gendarme.socket.emitWithAck('queue:watch', { watch: true })) as Ack<unknown>;
    expect(refused).toMatchObject({ ok: false, status: 403 });
    expect(((await gendarme.socket.emitWithAck('queue:watch', { watch: 'yes' } as never)) as Ack<unknown>).ok).toBe(false);

    const supervisor = await deskOf(platform, { role: 'supervisor' });
    await supervisor.socket.emitWithAck('queue:watch', { watch: true });
    const leaving = await deskOf(secondApi, { role: 'supervisor' });
    await leaving.socket.emitWithAck('queue:watch', { watch: true });
    expect(((await leaving.socket.emitWithAck('queue:watch', { watch: false })) as Ack<unknown>)).toEqual({
      ok: true,
      data: { watching: false },
    });

    await citizenWrites('Bonjour');
    await supervisor.log.waitFor<QueueStatusEvent>('queue:status', (status) => status.queue.waiting === 1);
    // Give a stray emission time to arrive before asserting it did not.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(gendarme.log.all('queue:status')).toEqual([]);
    expect(leaving.log.all('queue:status')).toEqual([]);
  });
});

import { randomUUID } from 'node:crypto';
import { io, Socket } from 'socket.io-client';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@brigade/database';
import type { CitizenMessageView, DeskAssignmentEvent, DeskMessageView } from '@brigade/realtime';
import { EventLog, connectCitizen, connectDesk, login, newClientMessageId } from '../support/clients';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../support/test-env';
import { ClusterProcess, FailoverProxy, PlatformCluster } from './platform-cluster';

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

type Ack<T> = { ok: true; data: T } | { ok: false; error: string; status: number };

/** Two API and two worker processes on one queue prefix, as two replicas of each would run. */
describe('scale-out: 2 API + 2 worker processes sharing Redis and PostgreSQL', () => {
  let cluster: PlatformCluster;
  let api1: ClusterProcess;
  let api2: ClusterProcess;
  let dataSource: DataSource;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    dataSource = await new DataSource(dataSourceOptions(TEST_DATABASE_URL, 4)).initialize();
    cluster = new PlatformCluster({
      NODE_ENV: 'test',
      DATABASE_URL: TEST_DATABASE_URL,
      DATABASE_POOL_SIZE: '5',
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: `scale-${randomUUID().slice(0, 8)}`,
      LOG_LEVEL: 'warn',
      ROUTING_TICK_MS: '500',
      RELAY_INTERVAL_MS: '500',
      RELAY_GRACE_MS: '1000',
    });
    [api1, api2] = await Promise.all([cluster.startApi(), cluster.startApi(), cluster.startWorker(), cluster.startWorker()]);
  }, 400_000);
  afterAll(async () => {
    await cluster?.stopAll();
    await dataSource?.destroy();
  }, 60_000);
  beforeEach(async () => {
    await resetDatabase(dataSource);
  });
  afterEach(() => {
    sockets.splice(0).forEach((socket) => socket.disconnect());
  });

  async function availableAgent(baseUrl: string, capacity = 4) {
    const agent = await createAgent(dataSource, { capacity });
    const token = await login(baseUrl, agent.login, TEST_PASSWORD);
    const desk = await connectDesk(baseUrl, token);
    sockets.push(desk.socket);
    expect(((await desk.socket.emitWithAck('presence:set', { presence: 'available' })) as Ack<unknown>).ok).toBe(true);
    return { agent, token, ...desk };
  }

  async function citizenOn(baseUrl: string) {
    const citizen = await connectCitizen(baseUrl);
    sockets.push(citizen.socket);
    await citizen.log.waitFor('session');
    return citizen;
  }

  const send = (socket: Socket, text: string) =>
    socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text }) as Promise<Ack<{ id: string }>>;
  const reply = (socket: Socket, conversationId: string, text: string) =>
    socket.emitWithAck('message:send', { conversationId, clientMessageId: newClientMessageId(), text }) as Promise<
      Ack<DeskMessageView>
    >;

  it('lets a citizen on one API process and an agent on the other converse', async () => {
    const gendarme = await availableAgent(cluster.url(api2));
    const citizen = await citizenOn(cluster.url(api1));

    expect((await send(citizen.socket, 'Bonjour depuis le nœud 1')).ok).toBe(true);
    const assigned = await gendarme.log.waitFor<DeskAssignmentEvent>('conversation:assigned');
    expect(assigned.messages.filter((m) => m.author === 'citizen').map((m) => m.text)).toEqual(['Bonjour depuis le nœud 1']);

    expect((await reply(gendarme.socket, assigned.conversation.id, 'Réponse depuis le nœud 2')).ok).toBe(true);
    await citizen.log.waitFor<CitizenMessageView>('message', (m) => m.text === 'Réponse depuis le nœud 2');
    expect((await send(citizen.socket, 'Merci')).ok).toBe(true);
    await gendarme.log.waitFor<DeskMessageView>('message:new', (m) => m.text === 'Merci');
  });

  it('assigns each conversation of a burst exactly once across both workers', async () => {
    const agents = [await availableAgent(cluster.url(api1), 50), await availableAgent(cluster.url(api2), 50)];
    const citizens = await Promise.all(Array.from({ length: 30 }, (_, i) => citizenOn(cluster.url(i % 2 ? api1 : api2))));
    const acks = await Promise.all(citizens.map((citizen, i) => send(citizen.socket, `Demande numéro ${i}`)));
    expect(acks.every((ack) => ack.ok)).toBe(true);

    const deadline = Date.now() + 20_000;
    let assignedCount = 0;
    while (Date.now() < deadline && assignedCount < 30) {
      assignedCount = agents.reduce((sum, agent) => sum + agent.log.all('conversation:assigned').length, 0);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const pushed = agents.flatMap((agent) => agent.log.all<DeskAssignmentEvent>('conversation:assigned').map((e) => e.conversation.id));
    expect(pushed).toHaveLength(30);
    expect(new Set(pushed).size).toBe(30);
    const perConversation: { conversation_id: string; assignments: number }[] = await dataSource.query(
      `SELECT c.id AS conversation_id, count(a.id)::int AS assignments
         FROM conversations c LEFT JOIN assignments a ON a.conversation_id = c.id GROUP BY c.id`,
    );
    expect(perConversation).toHaveLength(30);
    expect(perConversation.every((row) => row.assignments === 1)).toBe(true);
  });

  it('moves the clients of a killed API process to the other one without losing a message', async () => {
    // A third API process, behind a failover proxy with api2: the one that will be killed.
    const doomed = await cluster.startApi();
    const proxy = new FailoverProxy([doomed.port, api2.port]);
    await proxy.start();
    try {
      const agent = await createAgent(dataSource);
      const token = await login(cluster.url(api1), agent.login, TEST_PASSWORD);
      const options = { transports: ['websocket'], reconnectionDelay: 100, reconnectionDelayMax: 500, forceNew: true };
      const desk = io(`${proxy.url}/desk`, { ...options, auth: { token } });
      const citizen = io(`${proxy.url}/webchat`, { ...options, auth: {} });
      sockets.push(desk, citizen);
      const deskLog = new EventLog(desk);
      const citizenLog = new EventLog(citizen);
      const session = await citizenLog.waitFor<{ token: string }>('session');
      // From now on a reconnecting citizen resumes its session.
      (citizen.auth as Record<string, string>).token = session.token;
      await new Promise((resolve) => (desk.connected ? resolve(null) : desk.once('connect', () => resolve(null))));
      expect(((await desk.emitWithAck('presence:set', { presence: 'available' })) as Ack<unknown>).ok).toBe(true);

      expect((await send(citizen, 'Avant la panne')).ok).toBe(true);
      const assigned = await deskLog.waitFor<DeskAssignmentEvent>('conversation:assigned');
      // Like the desk app, every reconnection re-fetches the conversation over REST: an event emitted while the desk
      // was away cannot be replayed when the process that held its session was killed before saving it.
      const refetched: DeskMessageView[] = [];
      desk.on('connect', () => {
        fetch(`${cluster.url(api1)}/api/conversations/${assigned.conversation.id}`, { headers: { authorization: `Bearer ${token}` } })
          .then(async (response) => refetched.push(...((await response.json()) as DeskAssignmentEvent).messages))
          .catch(() => undefined);
      });
      // Accepted just before the crash: in PostgreSQL already, so it must reach the agent.
      expect((await send(citizen, 'Juste avant la panne')).ok).toBe(true);

      const citizenDropped = new Promise((resolve) => citizen.once('disconnect', resolve));
      await cluster.stop(doomed, 'SIGKILL');
      await citizenDropped;
      // The agent answers from another tab on a live process while the citizen is away.
      const otherTab = await connectDesk(cluster.url(api1), token);
      sockets.push(otherTab.socket);
      expect((await reply(otherTab.socket, assigned.conversation.id, 'Réponse pendant la panne')).ok).toBe(true);

      // Replayed by connection-state recovery, or in the history sent to a resumed session.
      const seenByCitizen = () => [
        ...citizenLog.all<CitizenMessageView>('message'),
        ...citizenLog.all<{ messages: CitizenMessageView[] }>('history').flatMap((h) => h.messages),
      ];
      await until(() => seenByCitizen().some((m) => m.text === 'Réponse pendant la panne'));
      await new Promise((resolve) => (desk.connected ? resolve(null) : desk.once('connect', () => resolve(null))));
      const seenByAgent = () =>
        [
          ...deskLog.all<DeskAssignmentEvent>('conversation:assigned').flatMap((e) => e.messages),
          ...deskLog.all<DeskMessageView>('message:new'),
          ...otherTab.log.all<DeskMessageView>('message:new'),
          ...refetched,
        ].map((m) => m.text);
      await until(() => seenByAgent().includes('Juste avant la panne'));

      // The conversation goes on through the surviving process.
      expect((await send(citizen, 'Après la panne')).ok).toBe(true);
      await deskLog.waitFor<DeskMessageView>('message:new', (m) => m.text === 'Après la panne', 15_000);
      const stored: { text: string }[] = await dataSource.query(
        `SELECT text FROM messages WHERE conversation_id = $1 AND direction <> 'internal' ORDER BY created_at`,
        [assigned.conversation.id],
      );
      expect(stored.map((m) => m.text)).toEqual(
        expect.arrayContaining(['Avant la panne', 'Juste avant la panne', 'Réponse pendant la panne', 'Après la panne']),
      );
    } finally {
      await proxy.stop();
    }
  }, 90_000);
});

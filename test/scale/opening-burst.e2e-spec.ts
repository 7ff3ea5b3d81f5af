import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@brigade/database';
import type { CitizenStatus, DeskAssignmentEvent } from '@brigade/realtime';
import { FakeGraphApi, metaWebhookSignature } from '@brigade/testing';
import { EventLog, connectCitizen, connectDesk, login, newClientMessageId } from '../support/clients';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../support/test-env';
import { ClusterProcess, PlatformCluster } from './platform-cluster';

/**
 * A crisis opening burst against 2 API + 2 worker processes: 500 citizens open a conversation at once, on the web
 * chat (sockets) and Messenger (signed webhooks, some delivered twice as Meta retries), while a few gendarmes are on
 * duty. What must hold whatever the load: one conversation per identity, each message stored once, each
 * conversation assigned once across processes, emergencies served first, and every citizen told their place in the
 * queue within a bounded time, a place that never goes back.
 */

const WEBCHAT_CITIZENS = 400;
const MESSENGER_CITIZENS = 100;
const CITIZENS = WEBCHAT_CITIZENS + MESSENGER_CITIZENS;
/** Retries a real deployment sees: the widget re-sending after a lost ack, Meta redelivering a webhook. */
const WEBCHAT_RESENDS = 40;
const MESSENGER_REDELIVERIES = 30;
const EMERGENCIES = { webchat: 3, messenger: 2 };
/**
 * How long the test waits for every citizen to be told their place: a liveness deadline (nobody is left untold), not
 * a speed. Speed is the benchmark's (`npm run bench`, BENCHMARKS.md: target 1 s on a quiet machine); on a 2-core
 * machine shared with other work (load average 25) the last of the 500 was told after 30-70 s.
 */
const EVERYONE_TOLD_DEADLINE_MS = 180_000;

const APP_SECRET = 'facebook-app-secret-of-the-opening-burst';
const PAGE = '600700800';

type Ack<T> = { ok: true; data: T } | { ok: false; error: string; status: number };

async function until(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

describe('opening burst: 500 citizens at once against 2 API + 2 worker processes', () => {
  let cluster: PlatformCluster;
  let apis: ClusterProcess[];
  let dataSource: DataSource;
  let graph: FakeGraphApi;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    graph = await FakeGraphApi.start();
    dataSource = await new DataSource(dataSourceOptions(TEST_DATABASE_URL, 4)).initialize();
    await resetDatabase(dataSource);
    await dataSource.query(`DELETE FROM platform_settings WHERE key IN ('surge', 'surge-published')`);
    cluster = new PlatformCluster({
      NODE_ENV: 'test',
      DATABASE_URL: TEST_DATABASE_URL,
      DATABASE_POOL_SIZE: '8',
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: `burst-${randomUUID().slice(0, 8)}`,
      LOG_LEVEL: 'warn',
      ROUTING_TICK_MS: '1000',
      RELAY_INTERVAL_MS: '1000',
      RELAY_GRACE_MS: '5000',
      // Emergencies wait for a free seat like the others here, so that "served first" is observable exactly.
      ROUTING_EMERGENCY_OVERFLOW: '0',
      AUTH_LOGIN_ATTEMPTS_PER_MINUTE: '200',
      FACEBOOK_ENABLED: 'true',
      FACEBOOK_APP_SECRET: APP_SECRET,
      FACEBOOK_VERIFY_TOKEN: 'verify-token-of-the-opening-burst',
      FACEBOOK_PAGES: `${PAGE}:EAAPageTokenBurst`,
      FACEBOOK_GRAPH_BASE_URL: graph.baseUrl,
      FACEBOOK_FETCH_PROFILES: 'false',
    });
    const started = await Promise.all([cluster.startApi(), cluster.startApi(), cluster.startWorker(), cluster.startWorker()]);
    apis = started.slice(0, 2);
  }, 150_000);
  afterAll(async () => {
    sockets.splice(0).forEach((socket) => socket.disconnect());
    await cluster?.stopAll();
    await dataSource?.destroy();
    await graph?.close();
  }, 60_000);

  const apiUrl = (i: number) => cluster.url(apis[i % 2]);

  async function gendarme(index: number, capacity: number) {
    const agent = await createAgent(dataSource, { capacity, displayName: `Gendarme ${index}` });
    const token = await login(apiUrl(index), agent.login, TEST_PASSWORD);
    const desk = await connectDesk(apiUrl(index), token);
    sockets.push(desk.socket);
    return { agent, ...desk };
  }

  function messengerBody(psid: string, mid: string, text: string): string {
    return JSON.stringify({
      object: 'page',
      entry: [{ id: PAGE, time: Date.now(), messaging: [{ sender: { id: psid }, recipient: { id: PAGE }, timestamp: Date.now(), message: { mid, text } }] }],
    });
  }

  /** Posts a signed webhook; a connection dropped before any answer is tried again, as Meta redelivers. */
  async function postWebhook(i: number, body: string, attempt = 1): Promise<number> {
    try {
      const response = await fetch(`${apiUrl(i)}/webhooks/facebook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaWebhookSignature(body, APP_SECRET) },
        body,
      });
      await response.arrayBuffer();
      return response.status;
    } catch (error) {
      if (attempt >= 3) throw error;
      return postWebhook(i, body, attempt + 1);
    }
  }

  it('keeps every guarantee through the burst and serves the emergencies first', async () => {
    // Two gendarmes on duty, full after four conversations: the burst waits, as in a crisis.
    const onDuty = [await gendarme(0, 2), await gendarme(1, 2)];
    for (const desk of onDuty) expect(((await desk.socket.emitWithAck('presence:set', { presence: 'available' })) as Ack<unknown>).ok).toBe(true);

    // The web chat citizens connect first (a page open before they type), spread over both API processes.
    const citizens: { socket: Socket; log: EventLog; sentAt: number; toldAt: number; index: number }[] = [];
    for (let start = 0; start < WEBCHAT_CITIZENS; start += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, WEBCHAT_CITIZENS - start) }, async (_, offset) => {
          const citizen = await connectCitizen(apiUrl(start + offset));
          sockets.push(citizen.socket);
          await citizen.log.waitFor('session', () => true, 30_000);
          const entry = { ...citizen, sentAt: 0, toldAt: 0, index: start + offset };
          citizen.socket.on('status', (status: CitizenStatus) => {
            if (!entry.toldAt && (status.queuePosition !== undefined || status.state === 'assigned')) entry.toldAt = Date.now();
          });
          return entry;
        }),
      );
      citizens.push(...batch);
    }

    // The burst: every citizen writes within a moment; some web chat messages are sent twice (same client id), some
    // webhooks delivered twice.
    const burstStarted = Date.now();
    const webchatSends = citizens.map(async (citizen) => {
      const clientMessageId = newClientMessageId();
      citizen.sentAt = Date.now();
      const payload = { clientMessageId, text: `Bonjour, ma question numéro ${citizen.index}` };
      const ack = (await citizen.socket.emitWithAck('message:send', payload)) as Ack<{ id: string }>;
      expect(ack.ok).toBe(true);
      if (citizen.index < WEBCHAT_RESENDS) {
        const again = (await citizen.socket.emitWithAck('message:send', payload)) as Ack<{ id: string }>;
        expect(again).toEqual(ack);
      }
    });
    const messengerSentAt = new Map<string, number>();
    const messengerSends = Array.from({ length: MESSENGER_CITIZENS }, async (_, i) => {
      const psid = `burst-psid-${i}`;
      const body = messengerBody(psid, `m_burst_${i}`, `Bonjour, demande Messenger numéro ${i}`);
      messengerSentAt.set(psid, Date.now());
      expect(await postWebhook(i, body)).toBe(200);
      if (i < MESSENGER_REDELIVERIES) expect(await postWebhook(i + 1, body)).toBe(200);
    });
    await Promise.all([...webchatSends, ...messengerSends]);
    const acceptedIn = Date.now() - burstStarted;

    // Every conversation opened, once per identity, every message stored once.
    await until(
      async () => (await dataSource.query(`SELECT count(*)::int AS n FROM conversations`))[0].n >= CITIZENS,
      'all conversations opened',
      90_000,
    );
    const perIdentity: { n: number }[] = await dataSource.query(`SELECT count(*)::int AS n FROM conversations GROUP BY identity_id`);
    expect(perIdentity).toHaveLength(CITIZENS);
    expect(perIdentity.every((row) => row.n === 1)).toBe(true);
    const stored: { n: number; distinct_texts: number }[] = await dataSource.query(
      `SELECT count(*)::int AS n, count(DISTINCT (conversation_id, text))::int AS distinct_texts FROM messages WHERE author_type = 'citizen'`,
    );
    expect(stored[0]).toEqual({ n: CITIZENS, distinct_texts: CITIZENS });

    // Every citizen told their place: web chat by a `status` event, Messenger by a message from the page.
    const toldWebchat = (citizen: (typeof citizens)[number]) =>
      citizen.log.all<CitizenStatus>('status').some((status) => status.queuePosition !== undefined || status.state === 'assigned');
    await until(() => citizens.every(toldWebchat), 'every web chat citizen told their place', EVERYONE_TOLD_DEADLINE_MS);
    const positionSent = (psid: string) =>
      graph.messageSends().find((send) => send.body.recipient.id === psid && /position \d+/.test(send.body.message?.text ?? ''));
    const assignedPsids = async () =>
      new Set(
        (
          (await dataSource.query(
            `SELECT i.external_id FROM conversations c JOIN channel_identities i ON i.id = c.identity_id WHERE c.channel = 'facebook' AND c.status = 'assigned'`,
          )) as { external_id: string }[]
        ).map((row) => row.external_id),
      );
    await until(
      async () => {
        const assigned = await assignedPsids();
        return [...messengerSentAt.keys()].every((psid) => assigned.has(psid) || positionSent(psid));
      },
      'every Messenger citizen told their place',
      EVERYONE_TOLD_DEADLINE_MS,
    );
    const toldIn = citizens.map((citizen) => citizen.toldAt - citizen.sentAt);

    // Positions never go back: each web chat citizen's successive positions only decrease (no emergency yet).
    const movedBack = citizens.filter((citizen) => {
      const positions = citizen.log.all<CitizenStatus>('status').flatMap((status) => (status.queuePosition === undefined ? [] : [status.queuePosition]));
      return positions.some((position, i) => i > 0 && position > positions[i - 1]);
    });
    expect(movedBack.map((citizen) => citizen.log.all<CitizenStatus>('status').map((s) => s.queuePosition))).toEqual([]);

    // No double assignment across processes: each conversation at most once, each gendarme within capacity.
    const assignments: { conversation_id: string; n: number }[] = await dataSource.query(
      `SELECT conversation_id, count(*)::int AS n FROM assignments GROUP BY conversation_id`,
    );
    expect(assignments.every((row) => row.n === 1)).toBe(true);
    expect(assignments).toHaveLength(4);
    const pushed = onDuty.flatMap((desk) => desk.log.all<DeskAssignmentEvent>('conversation:assigned').map((event) => event.conversation.id));
    expect(new Set(pushed).size).toBe(pushed.length);

    // Emergencies arrive while everyone else waits: they go ahead of the whole queue.
    const emergencyCitizens = await Promise.all(
      Array.from({ length: EMERGENCIES.webchat }, async (_, i) => {
        const citizen = await connectCitizen(apiUrl(i));
        sockets.push(citizen.socket);
        await citizen.log.waitFor('session', () => true, 30_000);
        expect(((await citizen.socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text: 'Au secours, il a un couteau !' })) as Ack<unknown>).ok).toBe(true);
        return citizen;
      }),
    );
    for (let i = 0; i < EMERGENCIES.messenger; i++) {
      expect(await postWebhook(i, messengerBody(`burst-danger-${i}`, `m_danger_${i}`, 'Je suis en danger, il me frappe'))).toBe(200);
    }
    const emergencyCount = EMERGENCIES.webchat + EMERGENCIES.messenger;
    await until(
      async () => (await dataSource.query(`SELECT count(*)::int AS n FROM conversations WHERE priority = 0`))[0].n === emergencyCount,
      'emergencies flagged by triage',
    );
    // A gendarme comes on duty with room for exactly that many: they are the ones served, before any routine one.
    const reinforcement = await gendarme(2, emergencyCount);
    expect(((await reinforcement.socket.emitWithAck('presence:set', { presence: 'available' })) as Ack<unknown>).ok).toBe(true);
    await until(() => reinforcement.log.all('conversation:assigned').length === emergencyCount, 'emergencies assigned');
    const served = reinforcement.log.all<DeskAssignmentEvent>('conversation:assigned');
    expect(served.map((event) => event.conversation.priority)).toEqual(Array(emergencyCount).fill(0));
    for (const citizen of emergencyCitizens) {
      await citizen.log.waitFor<CitizenStatus>('status', (status) => status.state === 'assigned', 20_000);
    }
    const finalAssignments: { conversation_id: string; n: number }[] = await dataSource.query(
      `SELECT conversation_id, count(*)::int AS n FROM assignments GROUP BY conversation_id`,
    );
    expect(finalAssignments).toHaveLength(4 + emergencyCount);
    expect(finalAssignments.every((row) => row.n === 1)).toBe(true);
    const load: { open_load: number; capacity: number }[] = await dataSource.query(`SELECT open_load, capacity FROM agents`);
    expect(load.every((agent) => agent.open_load <= agent.capacity)).toBe(true);

    // What the run measured, for the record (the figures of BENCHMARKS.md come from `npm run bench`).
    process.stdout.write(
      `opening burst: ${CITIZENS} citizens accepted in ${acceptedIn} ms; ` +
        `every one told their place; web chat p50/p99/max of first status ` +
        `${percentile(toldIn, 50)}/${percentile(toldIn, 99)}/${Math.max(...toldIn)} ms\n`,
    );
  }, 480_000);
});

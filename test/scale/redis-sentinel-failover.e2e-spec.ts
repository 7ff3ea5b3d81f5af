import { io, Socket } from 'socket.io-client';
import type { CitizenMessageView, DeskAssignmentEvent, DeskMessageView } from '@brigade/realtime';
import { EventLog, login, newClientMessageId } from '../support/clients';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { RedisSentinelSet } from '../support/redis-sentinel-set';
import { TestPlatform, startPlatform } from '../support/test-platform';

type Ack<T> = { ok: true; data: T } | { ok: false; error: string; status: number };

const CITIZENS = 12;
const SEND_INTERVAL_MS = 120;

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not met in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const connected = (socket: Socket) =>
  new Promise<void>((resolve, reject) => {
    if (socket.connected) return resolve();
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });

/**
 * Redis high availability: the platform runs against a throwaway Sentinel set (primary, replica, three Sentinels),
 * the primary is killed -9 during a web chat load, a Sentinel promotes the replica, and every connection (BullMQ
 * queues and workers, the Socket.io adapter and emitter, signals) follows it: no acknowledged message is lost or
 * doubled, and the desk and the widget carry on and reconnect.
 */
describe('Redis Sentinel failover under web chat load', () => {
  let redis: RedisSentinelSet;
  let platform: TestPlatform;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    redis = new RedisSentinelSet();
    await redis.start();
    platform = await startPlatform({
      // Deliberately unreachable: with REDIS_SENTINELS set, only the Sentinels say where Redis is.
      REDIS_URL: 'redis://127.0.0.1:1',
      REDIS_SENTINELS: redis.sentinelsSetting,
      REDIS_SENTINEL_MASTER_NAME: redis.masterName,
    });
    await resetDatabase(platform.dataSource);
  }, 90_000);

  afterAll(async () => {
    sockets.forEach((socket) => socket.disconnect());
    await platform?.close();
    await redis?.stop();
  }, 60_000);

  it('loses and doubles no acknowledged message when the primary dies, and the clients carry on', async () => {
    const url = platform.url;
    const options = { transports: ['websocket'], reconnectionDelay: 100, reconnectionDelayMax: 500, forceNew: true };
    const agents = await Promise.all([0, 1].map(() => createAgent(platform.dataSource, { capacity: 50 })));
    const tokens = await Promise.all(agents.map((agent) => login(url, agent.login, TEST_PASSWORD)));
    const desks = tokens.map((token) => io(`${url}/desk`, { ...options, auth: { token } }));
    sockets.push(...desks);
    const deskLogs = desks.map((desk) => new EventLog(desk));
    await Promise.all(desks.map(connected));
    for (const desk of desks) {
      expect(((await desk.emitWithAck('presence:set', { presence: 'available' })) as Ack<unknown>).ok).toBe(true);
    }

    const citizens = Array.from({ length: CITIZENS }, () => io(`${url}/webchat`, { ...options, auth: {} }));
    sockets.push(...citizens);
    const citizenLogs = citizens.map((citizen) => new EventLog(citizen));
    const sessions = await Promise.all(citizenLogs.map((log) => log.waitFor<{ token: string }>('session')));
    sessions.forEach((session, i) => ((citizens[i].auth as Record<string, string>).token = session.token));

    // The load: every citizen writes every SEND_INTERVAL_MS and waits for each acknowledgement (15 s at most).
    const acknowledged = new Set<string>();
    const refused: string[] = [];
    let loading = true;
    const load = citizens.map(async (citizen, c) => {
      for (let m = 0; loading; m++) {
        const text = `Citoyen ${c} message ${m}`;
        try {
          const ack = (await citizen
            .timeout(15_000)
            .emitWithAck('message:send', { clientMessageId: newClientMessageId(), text })) as Ack<{ id: string }>;
          if (ack.ok) acknowledged.add(text);
          else refused.push(`${text}: ${ack.error}`);
        } catch {
          refused.push(`${text}: no acknowledgement`);
        }
        await new Promise((resolve) => setTimeout(resolve, SEND_INTERVAL_MS));
      }
    });

    await until(() => acknowledged.size >= CITIZENS * 5, 30_000, 'load under way');
    const formerPrimary = await redis.killPrimary();
    const killedAt = Date.now();
    const ackedBeforeKill = acknowledged.size;
    const promoted = await redis.waitForPromotion(formerPrimary);
    const promotedAfterMs = Date.now() - killedAt;
    // The load goes on against the new primary, then stops.
    await until(() => acknowledged.size >= ackedBeforeKill + CITIZENS * 10, 45_000, 'load after the promotion');
    loading = false;
    await Promise.all(load);
    expect(promoted).not.toBe(formerPrimary);
    expect(await redis.reportedPrimaryPort()).toBe(promoted);

    // Every acknowledged message is stored exactly once (the relay re-enqueues what the old primary took with it).
    const storedCounts = async () =>
      new Map(
        (
          (await platform.dataSource.query(
            `SELECT text, count(*)::int AS copies FROM messages WHERE author_type = 'citizen' GROUP BY text`,
          )) as { text: string; copies: number }[]
        ).map((row) => [row.text, row.copies]),
      );
    await until(
      async () => {
        const stored = await storedCounts();
        return [...acknowledged].every((text) => stored.has(text));
      },
      60_000,
      'every acknowledged message stored',
    );
    const stored = await storedCounts();
    expect([...acknowledged].filter((text) => !stored.has(text))).toEqual([]);
    expect([...stored].filter(([, copies]) => copies !== 1)).toEqual([]);
    const pendingInbox: { pending: number }[] = await platform.dataSource.query(
      `SELECT count(*)::int AS pending FROM inbox_entries WHERE processed_at IS NULL`,
    );
    await until(
      async () =>
        ((await platform.dataSource.query(`SELECT count(*)::int AS pending FROM inbox_entries WHERE processed_at IS NULL`)) as {
          pending: number;
        }[])[0].pending === 0,
      60_000,
      'inbox drained',
    );
    const conversations: { id: string; assignments: number }[] = await platform.dataSource.query(
      `SELECT c.id, count(a.id)::int AS assignments FROM conversations c LEFT JOIN assignments a ON a.conversation_id = c.id GROUP BY c.id`,
    );
    expect(conversations).toHaveLength(CITIZENS);
    expect(conversations.every((row) => row.assignments === 1)).toBe(true);

    // The browsers stayed connected to the API; the Redis reconnection told them to resynchronise.
    await until(() => deskLogs.every((log) => log.all('resync').length > 0), 20_000, 'desks told to resync');
    await until(() => citizenLogs.every((log) => log.all('resync').length > 0), 20_000, 'widgets told to resync');

    // Live traffic flows through the new primary's Socket.io stream: citizen -> desk and desk -> citizen.
    const assignedTo = new Map<string, number>();
    deskLogs.forEach((log, d) =>
      log.all<DeskAssignmentEvent>('conversation:assigned').forEach((event) => assignedTo.set(event.conversation.id, d)),
    );
    const mine: { id: string }[] = await platform.dataSource.query(
      `SELECT DISTINCT conversation_id AS id FROM messages WHERE text = $1`,
      ['Citoyen 0 message 0'],
    );
    const d = assignedTo.get(mine[0].id);
    expect(d).toBeDefined();
    // Dropped connections come back: the widget resumes its session and gets its whole history (a new connection
    // also starts a fresh per-connection rate limit, which the load used up), then the desk its state.
    citizens[0].disconnect();
    const resumed = io(`${url}/webchat`, { ...options, auth: { token: sessions[0].token } });
    sockets.push(resumed);
    const resumedLog = new EventLog(resumed);
    const history = await resumedLog.waitFor<{ messages: CitizenMessageView[] }>('history', () => true, 15_000);
    const mineAcked = [...acknowledged].filter((text) => text.startsWith('Citoyen 0 '));
    expect(history.messages.map((message) => message.text)).toEqual(expect.arrayContaining(mineAcked));
    expect(((await resumed.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text: 'Après la bascule' })) as Ack<unknown>).ok).toBe(true);
    await deskLogs[d!].waitFor<DeskMessageView>('message:new', (message) => message.text === 'Après la bascule', 15_000);
    const answer = (await desks[d!].emitWithAck('message:send', {
      conversationId: mine[0].id,
      clientMessageId: newClientMessageId(),
      text: 'Réponse après la bascule',
    })) as Ack<DeskMessageView>;
    expect(answer.ok).toBe(true);
    await resumedLog.waitFor<CitizenMessageView>('message', (message) => message.text === 'Réponse après la bascule', 15_000);

    desks[d!].disconnect();
    const deskAgain = io(`${url}/desk`, { ...options, auth: { token: tokens[d!] } });
    sockets.push(deskAgain);
    await connected(deskAgain);
    const reread = await fetch(`${url}/api/conversations/${mine[0].id}`, { headers: { authorization: `Bearer ${tokens[d!]}` } });
    expect(reread.status).toBe(200);
    const view = (await reread.json()) as { messages: { text: string }[] };
    expect(view.messages.map((message) => message.text)).toEqual(expect.arrayContaining([...mineAcked, 'Après la bascule', 'Réponse après la bascule']));

    // Figures for docs/operations.md.
    console.info(
      `sentinel failover: promoted after ${promotedAfterMs} ms; ${acknowledged.size} messages acknowledged ` +
        `(${ackedBeforeKill} before the kill), ${refused.length} refused or unanswered ` +
        `(${[...new Set(refused.map((line) => line.split(': ').slice(1).join(': ')))].join('; ')}), ` +
        `${pendingInbox[0].pending} pending just after the load`,
    );
  }, 240_000);
});

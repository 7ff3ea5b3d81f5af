import { randomUUID } from 'node:crypto';
import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { QueueName } from '@brigade/queue';
import { socketStreamName } from '@brigade/realtime';
import { connectCitizen, connectDesk, login, newClientMessageId } from '../support/clients';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TEST_REDIS_URL } from '../support/test-env';
import { TestPlatform, startPlatform } from '../support/test-platform';
import { InboundMessageProcessor } from '../../apps/worker/src/inbound-message.processor';

type Ack<T> = { ok: true; data: T } | { ok: false; error: string; status: number };

/** Erasure erases every copy the platform holds: tables, inbox payloads, audit free texts, the Socket.io stream. */
describe('erasing a contact leaves no copy of their data', () => {
  let platform: TestPlatform;
  let redis: Redis;
  const sockets: { disconnect(): unknown }[] = [];

  beforeAll(async () => {
    platform = await startPlatform({ AUTH_LOGIN_ATTEMPTS_PER_MINUTE: '1000' });
    redis = new Redis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    sockets.forEach((socket) => socket.disconnect());
    await redis.quit();
    await platform.close();
  });
  beforeEach(async () => {
    await resetDatabase(platform.dataSource);
  });

  /** Rows of every table of the schema whose text contains the marker, as "table: n". */
  async function tablesMentioning(marker: string): Promise<string[]> {
    const tables: { table_name: string }[] = await platform.dataSource.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    expect(tables.length).toBeGreaterThan(10);
    const found: string[] = [];
    for (const { table_name: table } of tables) {
      const [{ n }] = await platform.dataSource.query(`SELECT count(*)::int AS n FROM "${table}" t WHERE t::text LIKE $1`, [`%${marker}%`]);
      if (n > 0) found.push(`${table}: ${n}`);
    }
    return found;
  }

  /** Redis keys of this platform (its prefix, its Socket.io stream, the recovery sessions) whose content holds the marker. */
  async function redisKeysMentioning(marker: string): Promise<string[]> {
    const prefix = platform.config.redis.queuePrefix;
    const keys = new Set<string>([socketStreamName(prefix)]);
    for (const pattern of [`${prefix}*`, `bull:${prefix}*`, 'sio:session:*']) {
      let cursor = '0';
      do {
        const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        batch.forEach((key) => keys.add(key));
        cursor = next;
      } while (cursor !== '0');
    }
    const found: string[] = [];
    for (const key of keys) {
      const type = await redis.type(key);
      let content: unknown = null;
      if (type === 'string') content = await redis.getBuffer(key);
      else if (type === 'hash') content = await redis.hgetall(key);
      else if (type === 'list') content = await redis.lrange(key, 0, -1);
      else if (type === 'set') content = await redis.smembers(key);
      else if (type === 'zset') content = await redis.zrange(key, 0, -1);
      else if (type === 'stream') content = await redis.xrange(key, '-', '+');
      const text = Buffer.isBuffer(content) ? content.toString('latin1') + content.toString('utf8') : JSON.stringify(content);
      if (text?.includes(marker)) found.push(key);
    }
    return found;
  }

  it('leaves the marker nowhere in PostgreSQL or Redis after POST /api/admin/contacts/:id/erase', async () => {
    const marker = `TRACE${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const gendarme = await createAgent(platform.dataSource, { onShift: true });
    const token = await login(platform.url, gendarme.login, TEST_PASSWORD);
    const deskSide = await connectDesk(platform.url, token);
    sockets.push(deskSide.socket);
    await deskSide.socket.emitWithAck('presence:set', { presence: 'available' });

    const citizen = await connectCitizen(platform.url);
    sockets.push(citizen.socket);
    await citizen.log.waitFor('session');
    const first = (await citizen.socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text: `Bonjour, je suis ${marker}` })) as Ack<unknown>;
    expect(first.ok).toBe(true);
    const assigned = await deskSide.log.waitFor<{ conversation: { id: string } }>('conversation:assigned');
    const conversationId = assigned.conversation.id;
    // A second message while the gendarme holds the conversation: stored by the inbox statement itself, pushed at once.
    await citizen.socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text: `J'habite chez ${marker}` });
    await deskSide.log.waitFor<{ text: string }>('message:new', (message) => message.text.includes(`chez ${marker}`));
    const reply = (await deskSide.socket.emitWithAck('message:send', {
      conversationId,
      clientMessageId: newClientMessageId(),
      text: `Bien reçu, ${marker}`,
    })) as Ack<unknown>;
    expect(reply.ok).toBe(true);
    await citizen.log.waitFor<{ text: string }>('message', (message) => message.text.includes(`Bien reçu, ${marker}`));

    const rest = (method: string, path: string, body: unknown, bearer = token) =>
      fetch(`${platform.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await rest('POST', `/api/conversations/${conversationId}/escalate`, { reason: `menaces de ${marker}` })).status).toBeLessThan(300);
    expect((await rest('POST', `/api/conversations/${conversationId}/notes`, { clientMessageId: newClientMessageId(), text: `Note : ${marker}` })).status).toBeLessThan(300);
    expect((await rest('POST', `/api/conversations/${conversationId}/close`, { outcome: 'resolved' })).status).toBeLessThan(300);

    // The copies exist before the erasure (so the search below can fail).
    expect(await tablesMentioning(marker)).toEqual(expect.arrayContaining([expect.stringMatching(/^inbox_entries/), expect.stringMatching(/^messages/), expect.stringMatching(/^audit_events/)]));
    expect(await redisKeysMentioning(marker)).toContain(socketStreamName(platform.config.redis.queuePrefix));

    const admin = await createAgent(platform.dataSource, { role: 'admin' });
    const adminToken = await login(platform.url, admin.login, TEST_PASSWORD);
    const [{ contact_id: contactId }] = await platform.dataSource.query(`SELECT contact_id FROM conversations WHERE id = $1`, [conversationId]);
    const erased = await rest('POST', `/api/admin/contacts/${contactId}/erase`, { reason: 'demande du citoyen' }, adminToken);
    expect(erased.status).toBe(200);
    expect(await erased.json()).toEqual({ conversations: 1 });

    expect(await tablesMentioning(marker)).toEqual([]);
    expect(await redisKeysMentioning(marker)).toEqual([]);
    // The audit still says who did what; only the free texts are gone.
    const escalation = await platform.dataSource.query(`SELECT actor_id, details FROM audit_events WHERE action = 'conversation.escalate'`);
    expect(escalation).toEqual([{ actor_id: gendarme.id, details: expect.objectContaining({ reason: '[effacé]' }) }]);
    // The inbox keeps its idempotency keys (a provider's late retry is still recognised), without their content.
    const entries = await platform.dataSource.query(`SELECT payload FROM inbox_entries`);
    expect(entries.length).toBe(2);
    entries.forEach((entry: { payload: Record<string, unknown> }) => expect(Object.keys(entry.payload).sort()).toEqual(['channel', 'channelMessageId', 'erased']));
  });

  it('empties a message still waiting for the worker: the worker then skips it, re-creating nothing', async () => {
    const marker = `ATTENTE${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const gendarme = await createAgent(platform.dataSource, { onShift: true });
    const token = await login(platform.url, gendarme.login, TEST_PASSWORD);
    const deskSide = await connectDesk(platform.url, token);
    sockets.push(deskSide.socket);
    await deskSide.socket.emitWithAck('presence:set', { presence: 'available' });
    const citizen = await connectCitizen(platform.url);
    sockets.push(citizen.socket);
    await citizen.log.waitFor('session');
    expect(((await citizen.socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text: 'Bonjour' })) as Ack<unknown>).ok).toBe(true);
    const assigned = await deskSide.log.waitFor<{ conversation: { id: string } }>('conversation:assigned');
    const closed = await fetch(`${platform.url}/api/conversations/${assigned.conversation.id}/close`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ outcome: 'resolved' }),
    });
    expect(closed.status).toBeLessThan(300);

    // The inbound queue is held back: the citizen's next message is accepted (in the inbox, its job queued) and waits.
    const queue = platform.app.get<Queue>(getQueueToken(QueueName.Inbound));
    const inbound = platform.app.get(InboundMessageProcessor).worker;
    await queue.pause();
    let finished: Promise<{ outcome: 'completed' | 'failed'; error?: string }> | undefined;
    try {
      const second = (await citizen.socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text: `Encore moi, ${marker}` })) as Ack<unknown>;
      expect(second.ok).toBe(true);
      const [pending] = await platform.dataSource.query(`SELECT id FROM inbox_entries WHERE processed_at IS NULL AND payload->>'text' LIKE $1`, [`%${marker}%`]);
      expect(pending).toBeDefined();
      const entryId = String(pending.id);
      finished = new Promise((resolve) => {
        inbound.on('completed', (job) => job.data.inboxEntryId === entryId && resolve({ outcome: 'completed' }));
        inbound.on('failed', (job, error) => job?.data.inboxEntryId === entryId && resolve({ outcome: 'failed', error: error.message }));
      });

      const admin = await createAgent(platform.dataSource, { role: 'admin' });
      const adminToken = await login(platform.url, admin.login, TEST_PASSWORD);
      const [{ contact_id: contactId }] = await platform.dataSource.query(`SELECT contact_id FROM conversations WHERE id = $1`, [assigned.conversation.id]);
      const erased = await fetch(`${platform.url}/api/admin/contacts/${contactId}/erase`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'demande du citoyen' }),
      });
      expect(erased.status).toBe(200);
      expect(await erased.json()).toEqual({ conversations: 1 });
      expect(await tablesMentioning(marker)).toEqual([]);
      const [entry] = await platform.dataSource.query(`SELECT payload, processed_at FROM inbox_entries WHERE id = $1`, [entryId]);
      expect(Object.keys(entry.payload).sort()).toEqual(['channel', 'channelMessageId', 'erased']);
      expect(entry.processed_at).not.toBeNull();
    } finally {
      await queue.resume();
    }

    // The queued job runs: it completes without an error and stores nothing.
    expect(await finished).toEqual({ outcome: 'completed' });
    expect(await platform.dataSource.query(`SELECT count(*)::int AS n FROM contacts`)).toEqual([{ n: 0 }]);
    expect(await platform.dataSource.query(`SELECT count(*)::int AS n FROM conversations`)).toEqual([{ n: 0 }]);
    expect(await platform.dataSource.query(`SELECT count(*)::int AS n FROM messages`)).toEqual([{ n: 0 }]);
    expect(await tablesMentioning(marker)).toEqual([]);
  });
});

import { Redis } from 'ioredis';
import type { DeskAssignmentEvent } from '@brigade/realtime';
import { connectCitizen, connectDesk, login, newClientMessageId } from '../support/clients';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';
import { TEST_REDIS_URL } from '../support/test-env';

/** Deletes every key of one deployment's prefix: what a Redis restart does to a Redis that keeps nothing on disk. */
async function wipeRedisPrefix(prefix: string): Promise<number> {
  const redis = new Redis(TEST_REDIS_URL);
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

describe('durable intake: an acknowledged message survives the loss of Redis', () => {
  const prefix = `test-durable-${Date.now()}`;
  let api: TestPlatform;
  let worker: TestPlatform | null = null;

  beforeAll(async () => {
    // The API process alone: it accepts messages, nobody processes them yet.
    api = await startPlatform({ QUEUE_PREFIX: prefix }, 'api');
    await resetDatabase(api.dataSource);
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
  });

  it('stores, routes and delivers messages acknowledged before Redis lost its queues', async () => {
    const agent = await createAgent(api.dataSource, { presence: 'available' });
    const desk = await connectDesk(api.url, await login(api.url, agent.login, TEST_PASSWORD));
    const citizen = await connectCitizen(api.url);
    await citizen.log.waitFor('session');

    const texts = ['Premier message', 'Deuxième message', 'Troisième message'];
    for (const text of texts) {
      const ack = (await citizen.socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text })) as {
        ok: boolean;
      };
      expect(ack.ok).toBe(true);
    }
    // Acknowledged means in PostgreSQL, even though no worker has run.
    const pending = await api.dataSource.query(`SELECT count(*)::int AS n FROM inbox_entries WHERE processed_at IS NULL`);
    expect(pending).toEqual([{ n: 3 }]);
    expect(await api.dataSource.query(`SELECT count(*)::int AS n FROM messages`)).toEqual([{ n: 0 }]);

    // Redis restarts empty: the inbound jobs are gone.
    expect(await wipeRedisPrefix(prefix)).toBeGreaterThan(0);

    // A worker starts: its relay re-enqueues the inbox, ingestion stores each message once and routes.
    worker = await startPlatform({ QUEUE_PREFIX: prefix, RELAY_GRACE_MS: '0' }, 'worker');
    const assigned = await desk.log.waitFor<DeskAssignmentEvent>('conversation:assigned', undefined, 15_000);
    expect(assigned.conversation.assigneeId).toBe(agent.id);

    await waitFor(async () => {
      const rows = await api.dataSource.query(`SELECT count(*)::int AS n FROM inbox_entries WHERE processed_at IS NULL`);
      return rows[0].n === 0;
    });
    const stored = await api.dataSource.query(`SELECT text FROM messages WHERE direction = 'inbound' ORDER BY created_at`);
    expect(stored.map((row: { text: string }) => row.text)).toEqual(texts);
    expect(await api.dataSource.query(`SELECT count(*)::int AS n FROM conversations`)).toEqual([{ n: 1 }]);

    desk.socket.disconnect();
    citizen.socket.disconnect();
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

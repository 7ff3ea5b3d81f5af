import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { Clock } from '@brigade/agents';
import { loadConfig } from '@brigade/config';
import { dataSourceOptions } from '@brigade/database';
import { JobProducer, QueueName } from '@brigade/queue';
import { RoutingService } from '@brigade/routing';
import { resetDatabase } from '../support/factories';
import { TEST_DATABASE_URL } from '../support/test-env';
import { TestPlatform, startPlatform } from '../support/test-platform';

/**
 * Several routers (separate DataSources, as separate processes would have) drain the same queue at once while
 * conversations keep arriving and agents close theirs: nothing is assigned twice, no capacity is exceeded.
 */
describe('routing under concurrency (real PostgreSQL, several routers in parallel)', () => {
  const ROUTERS = 4;
  const AGENTS = 200;
  const CONVERSATIONS = 1500;
  const config = loadConfig({ DATABASE_URL: TEST_DATABASE_URL, ROUTING_EMERGENCY_OVERFLOW: '0', ROUTING_SKILL_FALLBACK_AFTER_SECONDS: '0' });
  let sources: DataSource[];
  let routers: RoutingService[];

  beforeAll(async () => {
    sources = await Promise.all(
      Array.from({ length: ROUTERS }, async () => new DataSource(dataSourceOptions(TEST_DATABASE_URL, 4)).initialize()),
    );
    routers = sources.map((source) => new RoutingService(source, new Clock(), config));
    await resetDatabase(sources[0]);
  });
  afterAll(async () => {
    await Promise.all(sources.map((source) => source.destroy()));
  });

  it('never assigns a conversation twice nor exceeds a capacity', async () => {
    await runScenario(async (round, index, router) => {
      await router.drainQueue(`router-${index}`);
      return round;
    });
  });

  it('holds with three worker processes taking routing jobs from one Redis queue, alongside direct routers', async () => {
    // Three workers share one queue prefix: each routing job is taken by one of them; their ticks sweep meanwhile.
    const prefix = `test-conc-${Date.now()}`;
    const workers: TestPlatform[] = [];
    try {
      for (let n = 0; n < 3; n++) {
        workers.push(await startPlatform({ QUEUE_PREFIX: prefix, ROUTING_EMERGENCY_OVERFLOW: '0', ROUTING_TICK_MS: '200' }, 'worker'));
      }
      const jobs = workers[0].app.get(JobProducer);
      await runScenario(async (round, index, router) => {
        if (index < 2) {
          await jobs.addBulk(
            QueueName.Routing,
            Array.from({ length: 5 }, () => ({ data: { reason: 'capacity-freed' } })),
          );
        } else {
          await router.drainQueue(`router-${index}`);
        }
        return round;
      });
      // Let the workers finish the queued jobs before checking.
      const queue = jobs.queue(QueueName.Routing);
      const deadline = Date.now() + 20_000;
      while ((await queue.count()) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      await checkInvariants();
    } finally {
      for (const worker of workers) await worker.close();
    }
  });

  it('decides for the other waiting conversations at once while one is held by another transaction, and for it once released', async () => {
    const db = sources[0];
    await resetDatabase(db);
    await db.query(
      `INSERT INTO agents (login, display_name, password_hash, presence, capacity, skills, languages)
       VALUES ('held-1', 'Gendarme 1', 'x', 'available', 5, '{general}', '{fr}')`,
    );
    await db.query(`INSERT INTO shifts (agent_id, starts_at, ends_at) SELECT id, now() - interval '1 hour', now() + interval '1 hour' FROM agents`);
    await db.query(`INSERT INTO contacts (pseudonym) SELECT 'H' || n FROM generate_series(1, 3) n`);
    await db.query(`INSERT INTO channel_identities (contact_id, channel, external_id) SELECT id, 'webchat', id::text FROM contacts`);
    const waiting: { id: string }[] = await db.query(
      `INSERT INTO conversations (contact_id, identity_id, channel, waiting_since)
       SELECT contact_id, id, 'webchat', now() - (row_number() OVER (ORDER BY id)) * interval '1 minute' FROM channel_identities
       RETURNING id`,
    );
    // The oldest conversation is held (as its ingestion or triage holds it) while a drain runs on another connection.
    const [oldest] = (await db.query(`SELECT id FROM conversations ORDER BY waiting_since LIMIT 1`)) as { id: string }[];
    const holder = sources[1].createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    try {
      await holder.query(`SELECT id FROM conversations WHERE id = $1 FOR UPDATE`, [oldest.id]);
      const drained = await Promise.race([
        routers[0].drainQueue('held'),
        new Promise<'blocked'>((resolve) => setTimeout(() => resolve('blocked'), 3_000)),
      ]);
      expect(drained).not.toBe('blocked');
      const assigned = (drained as Awaited<ReturnType<RoutingService['drainQueue']>>).assignments.map((a) => a.conversationId);
      expect(assigned.sort()).toEqual(waiting.map((c) => c.id).filter((id) => id !== oldest.id).sort());
    } finally {
      await holder.commitTransaction();
      await holder.release();
    }
    const after = await routers[0].drainQueue('released');
    expect(after.assignments.map((a) => a.conversationId)).toEqual([oldest.id]);
  });

  async function runScenario(step: (round: number, index: number, router: RoutingService) => Promise<number>) {
    const db = sources[0];
    await resetDatabase(db);
    await db.query(
      `INSERT INTO agents (login, display_name, password_hash, presence, capacity, skills, languages)
       SELECT 'c-' || n, 'Gendarme ' || n, 'x', 'available', 1 + n % 5,
              CASE WHEN n % 3 = 0 THEN '{general,violence}'::text[] ELSE '{general}'::text[] END, '{fr}'
         FROM generate_series(1, $1) n`,
      [AGENTS],
    );
    await db.query(`INSERT INTO shifts (agent_id, starts_at, ends_at) SELECT id, now() - interval '1 hour', now() + interval '1 hour' FROM agents`);
    await db.query(`INSERT INTO contacts (pseudonym) SELECT 'P' || n FROM generate_series(1, $1) n`, [CONVERSATIONS]);
    await db.query(`INSERT INTO channel_identities (contact_id, channel, external_id) SELECT id, 'webchat', id::text FROM contacts`);
    const identities: { id: string; contact_id: string }[] = await db.query(`SELECT id, contact_id FROM channel_identities`);

    let next = 0;
    async function arrive(batch: number) {
      const slice = identities.slice(next, next + batch);
      next += batch;
      if (slice.length === 0) return;
      await db.query(
        `INSERT INTO conversations (contact_id, identity_id, channel, priority, queue)
         SELECT p.contact_id, p.identity_id, 'webchat', (ARRAY[0,1,2,2,3])[1 + (random() * 4)::int],
                (ARRAY['general','general','violence'])[1 + (random() * 2)::int]
           FROM unnest($1::uuid[], $2::uuid[]) AS p(identity_id, contact_id)`,
        [slice.map((i) => i.id), slice.map((i) => i.contact_id)],
      );
    }
    // Agents close one conversation at a time, as the desk does (one row, one agent's load).
    async function closeSome(source: DataSource) {
      const picked: { id: string }[] = await source.query(
        `SELECT id FROM conversations WHERE status = 'assigned' ORDER BY random() LIMIT 5`,
      );
      for (const { id } of picked) {
        await source.query(`UPDATE conversations SET status = 'closed', closed_at = now() WHERE id = $1 AND status = 'assigned'`, [id]);
      }
    }

    await arrive(300);
    const rounds = 40;
    await Promise.all(
      routers.map(async (router, index) => {
        for (let round = 0; round < rounds; round++) {
          await step(round, index, router);
          if (index === 0) await arrive(Math.ceil((CONVERSATIONS - 300) / rounds));
          if (index === 1) await closeSome(sources[1]);
        }
      }),
    );
    // Concurrent bursts of drains with nothing else happening.
    await Promise.all(routers.flatMap((router) => [router.drainQueue('burst'), router.drainQueue('burst')]));
    await checkInvariants();
  }

  async function checkInvariants() {
    const db = sources[0];

    const doubles = await db.query(
      `SELECT conversation_id FROM assignments WHERE ended_at IS NULL GROUP BY conversation_id HAVING count(*) > 1`,
    );
    expect(doubles).toEqual([]);
    const overCapacity = await db.query(
      `SELECT a.id FROM agents a JOIN conversations c ON c.assignee_id = a.id AND c.status = 'assigned'
        GROUP BY a.id, a.capacity HAVING count(*) > a.capacity`,
    );
    expect(overCapacity).toEqual([]);
    const mismatched = await db.query(
      `SELECT c.id FROM conversations c JOIN assignments s ON s.conversation_id = c.id AND s.ended_at IS NULL
        WHERE c.status = 'assigned' AND s.agent_id <> c.assignee_id`,
    );
    expect(mismatched).toEqual([]);
    // The load counter the router reads (kept by a trigger) agrees with the conversations.
    const drift = await db.query(
      `SELECT a.id FROM agents a
        WHERE a.open_load <> (SELECT count(*) FROM conversations c WHERE c.assignee_id = a.id AND c.status = 'assigned')`,
    );
    expect(drift).toEqual([]);
    // Work-conserving at the end: nobody has room while a general conversation waits.
    const [{ waiting }] = await db.query(`SELECT count(*)::int AS waiting FROM conversations WHERE status = 'waiting'`);
    const [{ free }] = await db.query(
      `SELECT COALESCE(sum(a.capacity - (SELECT count(*) FROM conversations c WHERE c.assignee_id = a.id AND c.status = 'assigned')), 0)::int AS free
         FROM agents a`,
    );
    expect(waiting === 0 || free === 0).toBe(true);
    const [{ assigned }] = await db.query(`SELECT count(*)::int AS assigned FROM assignments`);
    expect(assigned).toBeGreaterThan(500);
  }
});

/**
 * Benchmark of the routing decision at national-surge scale: 1,000 agents on duty (most of them full) and
 * 10,000 conversations waiting. Each sample frees one seat (a close) and times RoutingService.drainQueue, which
 * takes the lock, reads agents and queue, decides and writes. Target: p99 under 20 ms.
 *
 *   npm run bench:routing        (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/brigade_bench_routing)
 */
import 'reflect-metadata';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { Clock } from '@brigade/agents';
import { loadConfig } from '@brigade/config';
import { dataSourceOptions, runMigrations } from '@brigade/database';
import { DEFAULT_ROUTING_OPTIONS, RoutingService, planAssignments } from '@brigade/routing';

const URL_ = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/brigade_bench_routing';
const AGENTS = 1000;
const WAITING = 10_000;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 1000);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function recreateDatabase(): Promise<void> {
  const admin = new URL(URL_);
  const name = admin.pathname.slice(1);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await client.query(`CREATE DATABASE "${name}"`);
  await client.end();
  await runMigrations(URL_);
}

async function seed(db: DataSource): Promise<void> {
  await db.query(
    `INSERT INTO agents (login, display_name, password_hash, presence, capacity, skills, languages)
     SELECT 'bench-' || n, 'Gendarme ' || n, 'x', 'available', 4, '{general}', '{fr}' FROM generate_series(1, $1) n`,
    [AGENTS],
  );
  await db.query(`UPDATE agents SET skills = ARRAY['general', (ARRAY['violence','offence','procedure','recruitment'])[1 + (random() * 3)::int]]`);
  await db.query(`INSERT INTO shifts (agent_id, starts_at, ends_at) SELECT id, now() - interval '1 hour', now() + interval '8 hours' FROM agents`);
  await db.query(`INSERT INTO contacts (pseudonym) SELECT 'C' || n FROM generate_series(1, $1) n`, [AGENTS * 4 + WAITING]);
  await db.query(
    `INSERT INTO channel_identities (contact_id, channel, external_id) SELECT id, 'webchat', id::text FROM contacts`,
  );
  // Every agent holds 4 conversations (full); the rest wait, with a realistic mix of priorities and queues.
  await db.query(
    `WITH numbered AS (SELECT i.id AS identity_id, i.contact_id, row_number() OVER () AS n FROM channel_identities i),
          agents_numbered AS (SELECT id, row_number() OVER () AS n FROM agents)
     INSERT INTO conversations (contact_id, identity_id, channel, status, assignee_id, assigned_at, priority, queue, waiting_since)
     SELECT contact_id, identity_id, 'webchat',
            CASE WHEN numbered.n <= $1 THEN 'assigned' ELSE 'waiting' END,
            CASE WHEN numbered.n <= $1 THEN (SELECT id FROM agents_numbered a WHERE a.n = 1 + (numbered.n - 1) / 4) END,
            CASE WHEN numbered.n <= $1 THEN now() END,
            (ARRAY[1, 2, 2, 2, 2, 3, 3, 2])[1 + (numbered.n % 8)],
            (ARRAY['general', 'general', 'general', 'violence', 'offence', 'procedure', 'recruitment'])[1 + (numbered.n % 7)],
            now() - (random() * interval '2 hours')
       FROM numbered`,
    [AGENTS * 4],
  );
  await db.query('ANALYZE');
}

async function main(): Promise<void> {
  await recreateDatabase();
  const config = loadConfig({ DATABASE_URL: URL_, LOG_LEVEL: 'silent' });
  const db = new DataSource(dataSourceOptions(URL_, 4));
  await db.initialize();
  try {
    await seed(db);
    const routing = new RoutingService(db, new Clock(), config);
    const counts = await db.query(`SELECT status, count(*)::int AS n FROM conversations GROUP BY status ORDER BY status`);
    console.log('seeded', { agentsOnDuty: AGENTS, conversations: counts });

    // Warm-up, then the measured samples: free one seat, time the decision.
    const samples: number[] = [];
    const pure: number[] = [];
    for (let i = 0; i < SAMPLES + 20; i++) {
      await db.query(
        `UPDATE conversations SET status = 'closed', closed_at = now()
          WHERE id = (SELECT id FROM conversations WHERE status = 'assigned' ORDER BY random() LIMIT 1)`,
      );
      const started = process.hrtime.bigint();
      const result = await routing.drainQueue('bench');
      const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
      if (result.assignments.length !== 1) throw new Error(`expected one assignment, got ${result.assignments.length}`);
      if (i >= 20) samples.push(elapsed);
    }
    // The pure policy alone, on the same scale, with one free seat.
    const { agents } = await db.transaction((manager) => routing.routableAgents(manager, new Date()));
    agents[0].load = agents[0].capacity - 1;
    const waiting = Array.from({ length: 4 * 50 }, (_, n) => ({
      id: `c${n}`,
      priority: 1 + (n % 3),
      queue: 'general',
      language: 'fr',
      waitingSince: new Date(Date.now() - n * 1000),
      requiredSkill: null,
    }));
    for (let i = 0; i < 200; i++) {
      const started = process.hrtime.bigint();
      planAssignments(waiting, agents, { ...DEFAULT_ROUTING_OPTIONS, now: new Date() });
      pure.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    samples.sort((a, b) => a - b);
    pure.sort((a, b) => a - b);
    const report = {
      agentsOnDuty: AGENTS,
      waiting: WAITING,
      samples: samples.length,
      drainQueue: { p50: +percentile(samples, 50).toFixed(2), p99: +percentile(samples, 99).toFixed(2), max: +samples.at(-1)!.toFixed(2) },
      purePolicy: { p50: +percentile(pure, 50).toFixed(3), p99: +percentile(pure, 99).toFixed(3) },
      targetP99Ms: 20,
    };
    console.log(JSON.stringify(report, null, 2));
    console.log(report.drainQueue.p99 < 20 ? 'PASS: routing decision p99 under 20 ms' : 'FAIL: routing decision p99 over 20 ms');
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

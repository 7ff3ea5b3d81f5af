import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { Clock, shiftInstants } from '@brigade/agents';
import { AuditService } from '@brigade/audit';
import { loadConfig } from '@brigade/config';
import { dataSourceOptions } from '@brigade/database';
import { EMERGENCY, ReroutingService, RoutingService, planAssignments, routingOptionsFrom } from '@brigade/routing';
import { resetDatabase } from '../support/factories';
import { TEST_DATABASE_URL } from '../support/test-env';

/**
 * A simulated 24-hour day on real PostgreSQL with a controllable clock: three shifts (Paris time), 30 gendarmes,
 * about 5,000 conversations on a day curve with bursts, gendarmes who disconnect or do not answer. Every simulated
 * minute: arrivals, gendarmes' replies and closes, the routing sweep; then the invariants are checked.
 * Prints fairness and waiting-time figures (docs/routing.md).
 */

/** The simulated brigade's roster is written in Paris time. */
const ROSTER_ZONE = 'Europe/Paris';

class SimulatedClock extends Clock {
  constructor(public current: Date) {
    super();
  }
  override now(): Date {
    return new Date(this.current);
  }
}

/** Seeded pseudo-random numbers: the same arrival curve and mix on every run (database ids still vary). */
function generator(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1664525 + 1013904223) % 2 ** 32;
    return state / 2 ** 32;
  };
}

const DAY = '2026-11-27';
const STEP_MS = 60_000;
const GRACE_MS = 60_000;

/** Expected arrivals per hour (local hour 0..23): quiet nights, a morning and an evening peak. */
const HOURLY = [60, 40, 30, 25, 25, 40, 90, 180, 260, 300, 320, 300, 280, 290, 300, 290, 280, 290, 320, 330, 290, 220, 150, 90];

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

describe('a simulated 24-hour day of routing', () => {
  const config = loadConfig({
    DATABASE_URL: TEST_DATABASE_URL,
    PRESENCE_GRACE_MS: String(GRACE_MS),
    ROUTING_EMERGENCY_OVERFLOW: '1',
    ROUTING_NO_REPLY_MINUTES: '2,5,10,15',
    ROUTING_ABANDON_AFTER_MINUTES: '30',
  });
  let db: DataSource;

  beforeAll(async () => {
    db = await new DataSource(dataSourceOptions(TEST_DATABASE_URL, 4)).initialize();
    await resetDatabase(db);
  });
  afterAll(async () => {
    await db.destroy();
  });

  it('serves ~5,000 conversations with 3 shifts and 30 agents, holding every routing invariant', async () => {
    const random = generator(20261127);
    const start = shiftInstants({ date: DAY, start: '06:00', end: '06:00' }, ROSTER_ZONE);
    const clock = new SimulatedClock(start.startsAt);
    const routing = new RoutingService(db, clock, config);
    const rerouting = new ReroutingService(db, clock, config, routing, new AuditService(db));

    // The brigade: 12 on the day shift, 11 in the afternoon, 8 at night; a few skills and English speakers.
    const shifts = [
      { name: 'day', start: '06:00', end: '14:00', size: 12 },
      { name: 'afternoon', start: '14:00', end: '22:00', size: 11 },
      { name: 'night', start: '22:00', end: '06:00', size: 8 },
    ];
    const agents: { id: string; shift: string; unresponsive: boolean }[] = [];
    for (const shift of shifts) {
      const { startsAt, endsAt } = shiftInstants({ date: DAY, start: shift.start, end: shift.end }, ROSTER_ZONE);
      for (let n = 0; n < shift.size; n++) {
        const skills = ['general', n % 3 === 0 ? 'violence' : n % 3 === 1 ? 'offence' : 'recruitment'];
        const [{ id }] = await db.query(
          `INSERT INTO agents (login, display_name, password_hash, presence, capacity, skills, languages)
           VALUES ($1, $2, 'x', 'available', $3, $4, $5) RETURNING id`,
          [`${shift.name}-${n}`, `Gendarme ${shift.name} ${n}`, n % 3 === 0 ? 5 : 4, skills, n % 4 === 1 ? ['fr', 'en'] : ['fr']],
        );
        // The night shift starts the evening before the simulated day too (it holds 06:00 at the start).
        await db.query(`INSERT INTO shifts (agent_id, starts_at, ends_at) VALUES ($1, $2, $3)`, [id, startsAt, endsAt]);
        if (shift.name === 'day') {
          // The next morning's day shift serves what is left when the night ends.
          await db.query(`INSERT INTO shifts (agent_id, starts_at, ends_at) VALUES ($1, $2, $3)`, [
            id,
            new Date(startsAt.getTime() + 24 * 3600_000),
            new Date(endsAt.getTime() + 24 * 3600_000),
          ]);
        }
        if (shift.name === 'night') {
          await db.query(`INSERT INTO shifts (agent_id, starts_at, ends_at) VALUES ($1, $2, $3)`, [
            id,
            new Date(startsAt.getTime() - 24 * 3600_000),
            new Date(endsAt.getTime() - 24 * 3600_000),
          ]);
        }
        // One gendarme of the afternoon never answers: their chats must move on after the no-reply delay.
        agents.push({ id, shift: shift.name, unresponsive: shift.name === 'afternoon' && n === 2 });
      }
    }

    // Arrivals for the day: a Poisson-like count per minute on the hourly curve, with two bursts.
    const arrivalsPerMinute: number[] = [];
    for (let minute = 0; minute < 24 * 60; minute++) {
      const localHour = (6 + Math.floor(minute / 60)) % 24;
      let rate = HOURLY[localHour] / 60;
      if (minute >= 12 * 60 && minute < 12 * 60 + 15) rate += 8; // 18:00 local: a news item, 120 more in 15 min
      if (minute >= 4 * 60 + 30 && minute < 4 * 60 + 40) rate += 6; // 10:30: a second burst
      let count = 0;
      for (let remaining = rate; remaining > 0; remaining -= 1) if (random() < Math.min(1, remaining)) count++;
      arrivalsPerMinute.push(count);
    }
    const total = arrivalsPerMinute.reduce((sum, n) => sum + n, 0);
    await db.query(`INSERT INTO contacts (pseudonym) SELECT 'S' || n FROM generate_series(1, $1) n`, [total]);
    await db.query(`INSERT INTO channel_identities (contact_id, channel, external_id) SELECT id, 'webchat', id::text FROM contacts`);
    const identities: { id: string; contact_id: string }[] = await db.query(`SELECT id, contact_id FROM channel_identities ORDER BY external_id`);

    // Gendarmes' behaviour per held conversation: a reply after a short delay, a close after a handling time.
    const handling = new Map<string, { agentId: string; replyAt: number; closeAt: number }>();
    // Disconnections: (minute, agent index, minutes away). Short ones end within the grace period.
    const disconnections = [
      { at: 100, agent: 0, away: 0.5 },
      { at: 200, agent: 3, away: 5 },
      { at: 600, agent: 13, away: 8 },
      { at: 700, agent: 15, away: 0.5 },
      { at: 1100, agent: 23, away: 6 },
    ];
    const waitSeconds: Record<number, number[]> = { 0: [], 1: [], 2: [], 3: [] };
    const violations: string[] = [];
    let next = 0;
    let reroutedNoReply = 0;
    let handedOver = 0;
    let overflowed = 0;

    const options = () => routingOptionsFrom(config, clock.now());
    for (let minute = 0; ; minute++) {
      const now = clock.now();
      // Disconnections and reconnections, first: an agent away for the minute takes nothing in it.
      for (const d of disconnections) {
        const agent = agents[d.agent];
        if (minute === d.at) await db.query(`UPDATE agents SET disconnected_at = $2 WHERE id = $1`, [agent.id, now]);
        if (minute === d.at + Math.ceil(d.away)) {
          await db.query(`UPDATE agents SET disconnected_at = NULL, presence = 'available' WHERE id = $1`, [agent.id]);
        }
      }

      const arriving = minute < arrivalsPerMinute.length ? identities.slice(next, next + arrivalsPerMinute[minute]) : [];
      next += arriving.length;
      if (arriving.length > 0) {
        const priorities = arriving.map(() => {
          const r = random();
          return r < 0.02 ? 0 : r < 0.1 ? 1 : r < 0.85 ? 2 : 3;
        });
        const queues = priorities.map((priority) => {
          if (priority === 1) return 'violence';
          const r = random();
          return r < 0.65 ? 'general' : r < 0.85 ? 'offence' : r < 0.95 ? 'procedure' : 'recruitment';
        });
        const languages = arriving.map(() => (random() < 0.05 ? 'en' : 'fr'));
        // Arrivals spread over the minute; a few citizens go silent for good (they will be abandoned if not served).
        await db.query(
          `INSERT INTO conversations (contact_id, identity_id, channel, priority, queue, language, created_at, waiting_since,
                                      last_citizen_message_at)
           SELECT p.contact_id, p.identity_id, 'webchat', p.priority, p.queue, p.language, $6, $6, $6
             FROM unnest($1::uuid[], $2::uuid[], $3::smallint[], $4::text[], $5::text[])
                  AS p(identity_id, contact_id, priority, queue, language)`,
          [arriving.map((i) => i.id), arriving.map((i) => i.contact_id), priorities, queues, languages, now],
        );
        await routing.drainQueue('new-message');
      }

      // Gendarmes reply and close.
      const held: { id: string; assignee_id: string; priority: number }[] = await db.query(
        `SELECT id, assignee_id, priority FROM conversations WHERE status = 'assigned' ORDER BY id`,
      );
      const replies: string[] = [];
      const closes: string[] = [];
      for (const conversation of held) {
        let plan = handling.get(conversation.id);
        if (!plan || plan.agentId !== conversation.assignee_id) {
          const agent = agents.find((a) => a.id === conversation.assignee_id)!;
          plan = {
            agentId: conversation.assignee_id,
            replyAt: agent.unresponsive ? Infinity : minute + (random() < 0.9 ? 1 : 3),
            closeAt: minute + 3 + Math.floor(random() * (conversation.priority === 1 ? 30 : 9)),
          };
          handling.set(conversation.id, plan);
        }
        if (minute === plan.replyAt) replies.push(conversation.id);
        if (minute >= plan.closeAt && plan.replyAt <= minute) closes.push(conversation.id);
      }
      if (replies.length) {
        await db.query(
          `UPDATE conversations SET last_agent_message_at = $2, first_agent_reply_at = COALESCE(first_agent_reply_at, $2)
            WHERE id = ANY($1::uuid[])`,
          [replies, now],
        );
      }
      if (closes.length) {
        await db.query(
          `UPDATE conversations SET status = 'closed', closed_at = $2, close_outcome = 'answered' WHERE id = ANY($1::uuid[]) AND status = 'assigned'`,
          [closes, now],
        );
        await db.query(`UPDATE assignments SET ended_at = $2, end_reason = 'closed' WHERE conversation_id = ANY($1::uuid[]) AND ended_at IS NULL`, [
          closes,
          now,
        ]);
        await routing.drainQueue('capacity-freed');
      }

      // The tick: re-routing sweep (shift end, grace period, no reply, abandonment) and serving the queue.
      const change = await rerouting.sweep('tick');
      reroutedNoReply += change.released.filter((r) => r.reason === 'no-reply').length;
      handedOver += change.released.filter((r) => r.reason === 'shift-end' || r.reason === 'agent-offline').length;
      overflowed += change.assignments.filter((a) => a.overflow).length;

      // Invariants, after the minute's routing.
      const wrongAgent = await db.query(
        `SELECT s.conversation_id FROM assignments s JOIN agents a ON a.id = s.agent_id
          WHERE s.assigned_at = $1 AND NOT (a.presence = 'available' AND a.disconnected_at IS NULL AND
                (a.duty_override IS NOT DISTINCT FROM 'on' OR (a.duty_override IS NULL AND EXISTS (
                  SELECT 1 FROM shifts x WHERE x.agent_id = a.id AND x.starts_at <= $1 AND x.ends_at > $1))))`,
        [now],
      );
      if (wrongAgent.length) violations.push(`${minute}: assigned to an off-duty or offline agent`);
      const overCapacity = await db.query(
        `SELECT a.id FROM agents a WHERE a.open_load > a.capacity + 1
            OR (a.open_load > a.capacity AND NOT EXISTS (
                  SELECT 1 FROM conversations c WHERE c.assignee_id = a.id AND c.status = 'assigned' AND c.priority = 0))`,
      );
      if (overCapacity.length) violations.push(`${minute}: capacity exceeded without an emergency`);
      const waiting: { id: string; priority: number; queue: string; language: string; waiting_since: Date }[] =
        await db.query(`SELECT id, priority, queue, language, waiting_since FROM conversations WHERE status = 'waiting'`);
      const { agents: withRoom, skillsOnDuty } = await db.transaction((manager) => routing.routableAgents(manager, now, false));
      const stillAssignable = planAssignments(
        waiting.map((c) => ({
          id: c.id,
          priority: c.priority,
          queue: c.queue,
          language: c.language,
          waitingSince: c.waiting_since,
          requiredSkill: c.queue === 'general' ? null : c.queue,
        })),
        withRoom,
        { ...options(), emergencyOverflow: 0 },
        skillsOnDuty,
      );
      if (stillAssignable.length) violations.push(`${minute}: ${stillAssignable.length} waiting while an eligible agent has room`);
      const lateEmergency = await db.query(
        `SELECT 1 FROM assignments s JOIN conversations c ON c.id = s.conversation_id
          WHERE s.assigned_at = $1 AND c.priority > 0 AND s.reason NOT IN ('transfer', 'reassign')
            AND EXISTS (SELECT 1 FROM conversations e WHERE e.status = 'waiting' AND e.priority = 0) LIMIT 1`,
        [now],
      );
      if (lateEmergency.length) violations.push(`${minute}: a lower priority served while an emergency waits`);

      const arrivalsOver = minute >= arrivalsPerMinute.length;
      if (arrivalsOver && waiting.length === 0) break;
      if (minute > arrivalsPerMinute.length + 6 * 60) throw new Error('the queue never drained');
      clock.current = new Date(now.getTime() + STEP_MS);
    }

    // Outcomes and figures.
    const statuses: { status: string; n: number }[] = await db.query(
      `SELECT status, count(*)::int AS n FROM conversations GROUP BY status ORDER BY status`,
    );
    const firstWaits: { priority: number; wait: number }[] = await db.query(
      `SELECT c.priority, extract(epoch FROM (min(s.assigned_at) - c.created_at))::float AS wait
         FROM conversations c JOIN assignments s ON s.conversation_id = c.id GROUP BY c.id, c.priority, c.created_at`,
    );
    for (const row of firstWaits) waitSeconds[row.priority].push(row.wait);
    Object.values(waitSeconds).forEach((list) => list.sort((a, b) => a - b));
    const all = Object.values(waitSeconds).flat().sort((a, b) => a - b);
    // Fairness: conversations each answering gendarme closed, per shift (the silent one is reported apart).
    const perAgent: { shift: string; handled: number }[] = [];
    const silent: number[] = [];
    for (const agent of agents) {
      const [{ n }] = await db.query(
        `SELECT count(*)::int AS n FROM assignments WHERE agent_id = $1 AND end_reason = 'closed'`,
        [agent.id],
      );
      const [{ taken }] = await db.query(`SELECT count(*)::int AS taken FROM assignments WHERE agent_id = $1`, [agent.id]);
      if (agent.unresponsive) silent.push(taken);
      else perAgent.push({ shift: agent.shift, handled: n });
    }
    const fairness = shifts.map((shift) => {
      const loads = perAgent.filter((a) => a.shift === shift.name).map((a) => a.handled);
      const mean = loads.reduce((s, n) => s + n, 0) / loads.length;
      const sd = Math.sqrt(loads.reduce((s, n) => s + (n - mean) ** 2, 0) / loads.length);
      return { shift: shift.name, agents: loads.length, min: Math.min(...loads), max: Math.max(...loads), mean: +mean.toFixed(1), cv: +(sd / mean).toFixed(3) };
    });
    const report = {
      conversations: total,
      outcomes: Object.fromEntries(statuses.map((s) => [s.status, s.n])),
      waitSeconds: {
        all: { p50: percentile(all, 50), p90: percentile(all, 90), p99: percentile(all, 99), max: all.at(-1) },
        ...Object.fromEntries(
          Object.entries(waitSeconds).map(([priority, list]) => [
            ['emergency', 'violence', 'normal', 'low'][Number(priority)],
            { n: list.length, p50: percentile(list, 50), p90: percentile(list, 90), p99: percentile(list, 99) },
          ]),
        ),
      },
      fairness,
      silentAgentAssignments: silent,
      rerouted: { noReply: reroutedNoReply, handedOver, emergencyOverflow: overflowed },
    };
    console.log(JSON.stringify(report, null, 2));

    expect(violations).toEqual([]);
    expect(total).toBeGreaterThan(4500);
    // Every conversation ended assigned, closed or abandoned: none is left waiting.
    expect(statuses.find((s) => s.status === 'waiting')).toBeUndefined();
    expect(statuses.reduce((sum, s) => sum + s.n, 0)).toBe(total);
    // The unresponsive gendarmes' chats were moved on; shift changes handed conversations over.
    expect(reroutedNoReply).toBeGreaterThan(0);
    expect(handedOver).toBeGreaterThan(0);
    // Emergencies are served before anything else: their waits are the shortest.
    expect(percentile(waitSeconds[EMERGENCY], 99)).toBeLessThanOrEqual(percentile(waitSeconds[2], 99));
  }, 600_000);
});

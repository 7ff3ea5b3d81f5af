import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '@brigade/agents';
import { preparedStatement, runPrepared } from '@brigade/persistence';
import { platformMetrics, timeStage } from '@brigade/metrics';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import {
  EMERGENCY,
  PlannedAssignment,
  RoutingAgent,
  RoutingOptions,
  WaitingConversation,
  planAssignments,
} from './routing-policy';

/** One key for every routing decision on every process: decisions are serialised, so nothing is assigned twice. */
export const ROUTING_LOCK_KEY = 727_100;

/** Every write that changes who holds what (assign, release, transfer) happens under this transaction lock. */
export async function takeRoutingLock(manager: EntityManager): Promise<void> {
  await timeStage('routing_lock_wait', () => manager.query('SELECT pg_advisory_xact_lock($1)', [ROUTING_LOCK_KEY]));
}

/**
 * How many waiting conversations of each priority class are read per free seat: skills and languages make some
 * of them unassignable, so more than one per seat is considered.
 */
const QUEUE_SCAN_FACTOR = 4;
const QUEUE_SCAN_MIN = 50;

/**
 * On duty: scheduled (a shift now, or put on duty) and not taken off; SQL over agents aliased `a`, now = $1.
 * Never NULL (IS NOT DISTINCT FROM), so that `NOT ${SCHEDULED_SQL}` means "off duty".
 */
export const SCHEDULED_SQL = `(a.duty_override IS NOT DISTINCT FROM 'on'
  OR (a.duty_override IS NULL
      AND EXISTS (SELECT 1 FROM shifts s WHERE s.agent_id = a.id AND s.starts_at <= $1 AND s.ends_at > $1)))`;

/** Routable: active, scheduled, available and connected (not inside a presence grace period). */
export const ROUTABLE_SQL = `a.active AND a.presence = 'available' AND a.disconnected_at IS NULL AND ${SCHEDULED_SQL}`;

const ROUTABLE_AGENTS = preparedStatement(
  'routable-agents',
  `WITH routable AS (SELECT a.id, a.capacity, a.skills, a.languages, a.last_assigned_at, a.open_load
                       FROM agents a WHERE ${ROUTABLE_SQL})
   SELECT id, capacity, skills, languages, last_assigned_at, open_load AS load
     FROM routable WHERE $2 OR open_load < capacity
   UNION ALL
   SELECT NULL, 0, COALESCE((SELECT array_agg(DISTINCT skill) FROM routable, unnest(routable.skills) AS skill), '{}'),
          '{}', NULL, 0`,
);

const WAITING_HEADS = preparedStatement(
  'waiting-heads',
  `SELECT c.*, CASE WHEN q.key IS NULL THEN NULLIF(c.queue, 'general') ELSE q.required_skill END AS required_skill
     FROM unnest($1::smallint[]) AS p(priority)
     CROSS JOIN LATERAL (
       SELECT id, priority, queue, language, waiting_since, previous_assignee_id, routing_hint
         FROM conversations
        WHERE status = 'waiting' AND priority = p.priority
        ORDER BY waiting_since LIMIT $2) c
     -- The required skill as administered in queues; a queue with no row keeps the former rule (its own name).
     LEFT JOIN queues q ON q.key = c.queue`,
);

/**
 * See `applyPlan`. A planned conversation that another transaction holds at that moment (its ingestion, its triage) is
 * skipped, not waited for: that transaction requests a drain of its own once committed (the routing tick is the
 * backstop), and every other decision waits for this one's lock meanwhile. Only the planned rows are locked, in the
 * mode the UPDATE takes (NO KEY UPDATE): a message being inserted holds a key-share lock on its conversation, which
 * must not make the conversation skipped.
 */
const WRITE_ASSIGNMENTS = preparedStatement(
  'write-assignments',
  `WITH lockable AS (
          SELECT id, routing_hint FROM conversations WHERE id = ANY($1::uuid[]) FOR NO KEY UPDATE SKIP LOCKED),
        plan AS (
          SELECT p.conversation_id, p.agent_id,
                 CASE WHEN c.routing_hint = 'prefer-previous' THEN 'reopened' ELSE p.reason END AS reason
            FROM unnest($1::uuid[], $2::uuid[], $4::text[]) AS p(conversation_id, agent_id, reason)
            JOIN lockable c ON c.id = p.conversation_id),
        written AS (
          UPDATE conversations c SET status = 'assigned', assignee_id = plan.agent_id, assigned_at = $3, routing_hint = NULL
            FROM plan WHERE c.id = plan.conversation_id AND c.status = 'waiting'
          RETURNING c.id, plan.agent_id, plan.reason),
        history AS (
          INSERT INTO assignments (conversation_id, agent_id, reason, assigned_at)
          SELECT id, agent_id, reason, $3 FROM written),
        idle AS (
          UPDATE agents SET last_assigned_at = $3 WHERE id IN (SELECT agent_id FROM written))
   SELECT id, reason FROM written`,
);

/**
 * Whether a drain could assign anything now, read without the lock: someone waits, and a routable agent has a free
 * seat or (emergency overflow) an emergency waits for someone on duty. See `drainQueue`.
 */
const ANYTHING_TO_SERVE = preparedStatement(
  'routing-anything-to-serve',
  `SELECT EXISTS (SELECT 1 FROM conversations WHERE status = 'waiting') AS waiting,
          EXISTS (SELECT 1 FROM agents a WHERE ${ROUTABLE_SQL} AND a.open_load < a.capacity) AS free_seat,
          $2::boolean AND EXISTS (SELECT 1 FROM conversations WHERE status = 'waiting' AND priority = $3)
                      AND EXISTS (SELECT 1 FROM agents a WHERE ${ROUTABLE_SQL}) AS emergency_overflow`,
);

/** An assignment as written, with the reason recorded in its history row and shown on the desk. */
export interface RoutedAssignment extends PlannedAssignment {
  reason: string;
}

export interface RoutingResult {
  assignments: RoutedAssignment[];
  decisionMs: number;
}

export function routingOptionsFrom(config: AppConfig, now: Date): RoutingOptions {
  return {
    now,
    agingStepMs: config.routing.agingStepMs,
    skillFallback: config.routing.skillFallback,
    skillFallbackAfterMs: config.routing.skillFallbackAfterMs,
    languageFallback: config.routing.languageFallback,
    emergencyOverflow: config.routing.emergencyOverflow,
  };
}

/** Serves the waiting queue: takes the routing lock, reads agents and queue, applies the policy, writes. */
@Injectable()
export class RoutingService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  now(): Date {
    return this.clock.now();
  }

  /**
   * Serves the waiting queue once. `reasons` names the reason of particular conversations when one drain serves
   * several triggers; the others get `reason`, except a reopened conversation, which is always 'reopened'.
   */
  async drainQueue(reason = 'trigger', reasons?: ReadonlyMap<string, string>): Promise<RoutingResult> {
    const started = process.hrtime.bigint();
    // When every gendarme is full (a crisis), each arrival's drain would take the routing lock, in a transaction of four
    // statements, only to find no seat, and every process's arrivals would queue on that lock. One read without the
    // lock tells: nothing to do. Safe: whatever frees a seat or puts an agent on duty after this read requests a
    // drain of its own, which sees the conversations that requested this one (committed before).
    if (!(await this.anythingToServe(this.clock.now()))) return { assignments: [], decisionMs: Number(process.hrtime.bigint() - started) / 1e6 };
    const assignments = await this.dataSource.transaction(async (manager) => {
      await takeRoutingLock(manager);
      return this.drainWithin(manager, this.clock.now(), reason, reasons);
    });
    platformMetrics.routingDecisionSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
    platformMetrics.stageSeconds.observe({ stage: 'routing' }, Number(process.hrtime.bigint() - started) / 1e9);
    this.countCommitted(assignments);
    return { assignments, decisionMs: Number(process.hrtime.bigint() - started) / 1e6 };
  }

  /**
   * Counts assignments in the metrics once their transaction has committed, whatever path made them (a drain, the
   * periodic sweep, a duty change, a transfer): counting inside the transaction would count a rolled-back one.
   */
  countCommitted(assignments: readonly RoutedAssignment[]): void {
    for (const assignment of assignments) platformMetrics.assignments.inc({ reason: assignment.reason });
  }

  private async anythingToServe(now: Date): Promise<boolean> {
    const {
      rows: [row],
    } = await runPrepared<{ waiting: boolean; free_seat: boolean; emergency_overflow: boolean }>(this.dataSource, ANYTHING_TO_SERVE, [
      now,
      this.config.routing.emergencyOverflow > 0,
      EMERGENCY,
    ]);
    return row.waiting && (row.free_seat || row.emergency_overflow);
  }

  /** The decision and its writes, inside a transaction that already holds the routing lock. */
  async drainWithin(
    manager: EntityManager,
    now: Date,
    reason: string,
    reasons?: ReadonlyMap<string, string>,
  ): Promise<RoutedAssignment[]> {
    const options = routingOptionsFrom(this.config, now);
    const { agents, skillsOnDuty } = await this.routableAgents(manager, now, false);
    const freeSeats = agents.reduce((sum, agent) => sum + Math.max(0, agent.capacity - agent.load), 0);
    if (freeSeats === 0 && (options.emergencyOverflow === 0 || skillsOnDuty.size === 0)) return [];
    // With no free seat only an emergency can still be placed (overflow): only emergencies are read.
    const waiting = await this.waitingConversations(manager, freeSeats === 0 ? 0 : Math.max(QUEUE_SCAN_MIN, freeSeats * QUEUE_SCAN_FACTOR));
    if (waiting.length === 0) return [];
    // Full agents matter only to an emergency that may overflow them.
    const overflowPossible = options.emergencyOverflow > 0 && waiting.some((c) => c.priority === EMERGENCY);
    const pool = overflowPossible ? (await this.routableAgents(manager, now, true)).agents : agents;
    const plan = planAssignments(waiting, pool, options, skillsOnDuty);
    return plan.length > 0 ? this.applyPlan(manager, plan, now, reason, reasons) : [];
  }

  /**
   * Agents who may receive a conversation now (all of them, or only those with room), and the skills held by
   * anyone on duty, full or not (a skill nobody on duty holds falls back at once). Loads come from
   * agents.open_load, kept exact by a trigger, rather than from counting.
   */
  async routableAgents(
    manager: EntityManager,
    now: Date,
    includeFull = true,
  ): Promise<{ agents: RoutingAgent[]; skillsOnDuty: Set<string> }> {
    const { rows } = await runPrepared<{
      id: string | null;
      capacity: number;
      skills: string[];
      languages: string[];
      last_assigned_at: Date | null;
      load: number;
    }>(manager, ROUTABLE_AGENTS, [now, includeFull]);
    const skillsRow = rows.find((row) => row.id === null);
    return {
      agents: rows
        .filter((row) => row.id !== null)
        .map((row) => ({
          id: row.id!,
          capacity: row.capacity,
          load: row.load,
          skills: row.skills,
          languages: row.languages,
          lastAssignedAt: row.last_assigned_at,
        })),
      skillsOnDuty: new Set(skillsRow?.skills ?? []),
    };
  }

  /**
   * The head of each priority class (oldest first), read with the queue-order index. Aging only ever moves a
   * conversation ahead of younger ones, so the heads of the classes hold the head of the aged queue.
   * With perClass = 0 only the emergencies are read.
   */
  private async waitingConversations(manager: EntityManager, perClass: number): Promise<WaitingConversation[]> {
    const { rows } = await runPrepared<{
      id: string;
      priority: number;
      queue: string;
      language: string;
      waiting_since: Date;
      previous_assignee_id: string | null;
      routing_hint: string | null;
      required_skill: string | null;
    }>(manager, WAITING_HEADS, perClass === 0 ? [[EMERGENCY], QUEUE_SCAN_MIN] : [[0, 1, 2, 3], perClass]);
    return rows.map((row) => ({
      id: row.id,
      priority: row.priority,
      queue: row.queue,
      language: row.language,
      waitingSince: row.waiting_since,
      requiredSkill: row.required_skill,
      preferredAgentId: row.routing_hint === 'prefer-previous' ? row.previous_assignee_id : null,
      avoidAgentId: row.routing_hint === 'avoid-previous' ? row.previous_assignee_id : null,
    }));
  }

  private async applyPlan(
    manager: EntityManager,
    plan: PlannedAssignment[],
    now: Date,
    reason: string,
    reasons?: ReadonlyMap<string, string>,
  ): Promise<RoutedAssignment[]> {
    // One statement (one round trip): the status guard makes the write itself refuse a conversation that is no
    // longer waiting (closed meanwhile), and only what was written gets an assignment row.
    // A reopened conversation (hint 'prefer-previous', set only when the citizen writes again after a close) is
    // recorded as such whichever trigger served it: the desk tells the agent it is a conversation they know.
    const { rows } = await runPrepared<{ id: string; reason: string }>(
      manager,
      WRITE_ASSIGNMENTS,
      [
        plan.map((p) => p.conversationId),
        plan.map((p) => p.agentId),
        now,
        plan.map((p) => reasons?.get(p.conversationId) ?? reason),
      ],
    );
    const written = new Map(rows.map((row) => [row.id, row.reason]));
    return plan.filter((p) => written.has(p.conversationId)).map((p) => ({ ...p, reason: written.get(p.conversationId)! }));
  }
}

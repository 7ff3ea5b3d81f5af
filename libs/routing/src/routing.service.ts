import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '@brigade/agents';
import { platformMetrics } from '@brigade/metrics';
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
  await manager.query('SELECT pg_advisory_xact_lock($1)', [ROUTING_LOCK_KEY]);
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

export interface RoutingResult {
  assignments: PlannedAssignment[];
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

  async drainQueue(reason = 'trigger'): Promise<RoutingResult> {
    const started = process.hrtime.bigint();
    const assignments = await this.dataSource.transaction(async (manager) => {
      await takeRoutingLock(manager);
      return this.drainWithin(manager, this.clock.now(), reason);
    });
    platformMetrics.routingDecisionSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
    platformMetrics.assignments.inc({ reason }, assignments.length);
    return { assignments, decisionMs: Number(process.hrtime.bigint() - started) / 1e6 };
  }

  /** The decision and its writes, inside a transaction that already holds the routing lock. */
  async drainWithin(manager: EntityManager, now: Date, reason: string): Promise<PlannedAssignment[]> {
    const agents = await this.routableAgents(manager, now);
    if (agents.length === 0) return [];
    const freeSeats = agents.reduce((sum, agent) => sum + Math.max(0, agent.capacity - agent.load), 0);
    const options = routingOptionsFrom(this.config, now);
    let perClass = Math.max(QUEUE_SCAN_MIN, freeSeats * QUEUE_SCAN_FACTOR);
    if (freeSeats === 0) {
      // Only an emergency can still be placed (overflow); nothing else is worth reading.
      if (options.emergencyOverflow === 0) return [];
      perClass = 0;
    }
    const waiting = await this.waitingConversations(manager, perClass);
    if (waiting.length === 0) return [];
    const plan = planAssignments(waiting, agents, options);
    return plan.length > 0 ? this.applyPlan(manager, plan, now, reason) : [];
  }

  async routableAgents(manager: EntityManager, now: Date): Promise<RoutingAgent[]> {
    const rows: {
      id: string;
      capacity: number;
      skills: string[];
      languages: string[];
      last_assigned_at: Date | null;
      load: number;
    }[] = await manager.query(
      `SELECT a.id, a.capacity, a.skills, a.languages, a.last_assigned_at,
              (SELECT count(*)::int FROM conversations c WHERE c.assignee_id = a.id AND c.status = 'assigned') AS load
         FROM agents a
        WHERE ${ROUTABLE_SQL}`,
      [now],
    );
    return rows.map((row) => ({
      id: row.id,
      capacity: row.capacity,
      load: row.load,
      skills: row.skills,
      languages: row.languages,
      lastAssignedAt: row.last_assigned_at,
    }));
  }

  /**
   * The head of each priority class (oldest first), read with the queue-order index. Aging only ever moves a
   * conversation ahead of younger ones, so the heads of the classes hold the head of the aged queue.
   * With perClass = 0 only the emergencies are read.
   */
  private async waitingConversations(manager: EntityManager, perClass: number): Promise<WaitingConversation[]> {
    const rows: {
      id: string;
      priority: number;
      queue: string;
      language: string;
      waiting_since: Date;
      previous_assignee_id: string | null;
      routing_hint: string | null;
    }[] = await manager.query(
      `SELECT c.* FROM unnest($1::smallint[]) AS p(priority)
         CROSS JOIN LATERAL (
           SELECT id, priority, queue, language, waiting_since, previous_assignee_id, routing_hint
             FROM conversations
            WHERE status = 'waiting' AND priority = p.priority
            ORDER BY waiting_since LIMIT $2) c`,
      perClass === 0 ? [[EMERGENCY], QUEUE_SCAN_MIN] : [[0, 1, 2, 3], perClass],
    );
    return rows.map((row) => ({
      id: row.id,
      priority: row.priority,
      queue: row.queue,
      language: row.language,
      waitingSince: row.waiting_since,
      requiredSkill: row.queue === 'general' ? null : row.queue,
      preferredAgentId: row.routing_hint === 'prefer-previous' ? row.previous_assignee_id : null,
      avoidAgentId: row.routing_hint === 'avoid-previous' ? row.previous_assignee_id : null,
    }));
  }

  private async applyPlan(
    manager: EntityManager,
    plan: PlannedAssignment[],
    now: Date,
    reason: string,
  ): Promise<PlannedAssignment[]> {
    // The status guard makes the write itself refuse a conversation that is no longer waiting (closed meanwhile).
    const [updated] = (await manager.query(
      `UPDATE conversations c SET status = 'assigned', assignee_id = p.agent_id, assigned_at = $3, routing_hint = NULL
         FROM unnest($1::uuid[], $2::uuid[]) AS p(conversation_id, agent_id)
        WHERE c.id = p.conversation_id AND c.status = 'waiting'
      RETURNING c.id`,
      [plan.map((p) => p.conversationId), plan.map((p) => p.agentId), now],
    )) as [{ id: string }[], number];
    const written = new Set(updated.map((row) => row.id));
    const applied = plan.filter((p) => written.has(p.conversationId));
    if (applied.length === 0) return [];
    await manager.query(
      `INSERT INTO assignments (conversation_id, agent_id, reason, assigned_at)
       SELECT conversation_id, agent_id, $3, $4 FROM unnest($1::uuid[], $2::uuid[]) AS p(conversation_id, agent_id)`,
      [applied.map((p) => p.conversationId), applied.map((p) => p.agentId), reason, now],
    );
    await manager.query(`UPDATE agents SET last_assigned_at = $2 WHERE id = ANY($1::uuid[])`, [
      [...new Set(applied.map((p) => p.agentId))],
      now,
    ]);
    return applied;
  }
}

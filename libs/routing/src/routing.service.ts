import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '@brigade/agents';
import { platformMetrics } from '@brigade/metrics';
import {
  DEFAULT_ROUTING_OPTIONS,
  PlannedAssignment,
  RoutingAgent,
  WaitingConversation,
  planAssignments,
} from './routing-policy';

/** One key for every routing decision on every process: decisions are serialised, so nothing is assigned twice. */
const ROUTING_LOCK_KEY = 727_100;

/** How many waiting conversations are considered per free seat; skills make some of them unassignable. */
const QUEUE_SCAN_FACTOR = 4;
const QUEUE_SCAN_MIN = 100;

export interface RoutingResult {
  assignments: PlannedAssignment[];
  decisionMs: number;
}

/** Serves the waiting queue: takes the routing lock, reads agents and queue, applies the policy, writes. */
@Injectable()
export class RoutingService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async drainQueue(reason = 'trigger'): Promise<RoutingResult> {
    const started = process.hrtime.bigint();
    const assignments = await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [ROUTING_LOCK_KEY]);
      const now = this.clock.now();
      const agents = await this.agentsOnDuty(manager, now);
      const freeSeats = agents.reduce((sum, agent) => sum + Math.max(0, agent.capacity - agent.load), 0);
      if (freeSeats === 0) return [];
      const waiting = await this.waitingConversations(manager, Math.max(QUEUE_SCAN_MIN, freeSeats * QUEUE_SCAN_FACTOR));
      if (waiting.length === 0) return [];
      const plan = planAssignments(waiting, agents, { ...DEFAULT_ROUTING_OPTIONS, now });
      if (plan.length > 0) await this.applyPlan(manager, plan, now, reason);
      return plan;
    });
    platformMetrics.routingDecisionSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
    platformMetrics.assignments.inc({ reason }, assignments.length);
    return { assignments, decisionMs: Number(process.hrtime.bigint() - started) / 1e6 };
  }

  private async agentsOnDuty(manager: EntityManager, now: Date): Promise<RoutingAgent[]> {
    const rows: {
      id: string;
      capacity: number;
      skills: string[];
      languages: string[];
      last_assigned_at: Date | null;
      load: string;
    }[] = await manager.query(
      `SELECT a.id, a.capacity, a.skills, a.languages, a.last_assigned_at,
              (SELECT count(*) FROM conversations c WHERE c.assignee_id = a.id AND c.status = 'assigned') AS load
         FROM agents a
        WHERE a.active AND a.presence = 'available'
          AND (a.duty_override = 'on'
               OR (a.duty_override IS NULL
                   AND EXISTS (SELECT 1 FROM shifts s WHERE s.agent_id = a.id AND s.starts_at <= $1 AND s.ends_at > $1)))`,
      [now],
    );
    return rows.map((row) => ({
      id: row.id,
      capacity: row.capacity,
      load: Number(row.load),
      skills: row.skills,
      languages: row.languages,
      lastAssignedAt: row.last_assigned_at,
    }));
  }

  private async waitingConversations(manager: EntityManager, limit: number): Promise<WaitingConversation[]> {
    const rows: { id: string; priority: number; queue: string; language: string; waiting_since: Date }[] =
      await manager.query(
        `SELECT id, priority, queue, language, waiting_since FROM conversations
          WHERE status = 'waiting' ORDER BY priority, waiting_since LIMIT $1`,
        [limit],
      );
    return rows.map((row) => ({
      id: row.id,
      priority: row.priority,
      queue: row.queue,
      language: row.language,
      waitingSince: row.waiting_since,
      requiredSkill: row.queue === 'general' ? null : row.queue,
    }));
  }

  private async applyPlan(manager: EntityManager, plan: PlannedAssignment[], now: Date, reason: string) {
    const conversationIds = plan.map((p) => p.conversationId);
    const agentIds = plan.map((p) => p.agentId);
    // The status guard makes the write itself refuse a conversation that is no longer waiting.
    await manager.query(
      `UPDATE conversations c SET status = 'assigned', assignee_id = p.agent_id, assigned_at = $3
         FROM unnest($1::uuid[], $2::uuid[]) AS p(conversation_id, agent_id)
        WHERE c.id = p.conversation_id AND c.status = 'waiting'`,
      [conversationIds, agentIds, now],
    );
    await manager.query(
      `INSERT INTO assignments (conversation_id, agent_id, reason, assigned_at)
       SELECT conversation_id, agent_id, $3, $4 FROM unnest($1::uuid[], $2::uuid[]) AS p(conversation_id, agent_id)`,
      [conversationIds, agentIds, reason, now],
    );
    await manager.query(`UPDATE agents SET last_assigned_at = $2 WHERE id = ANY($1::uuid[])`, [
      [...new Set(agentIds)],
      now,
    ]);
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '@brigade/errors';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AgentPrincipal, Clock, DutyOverride } from '@brigade/agents';
import { AuditService } from '@brigade/audit';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import type { RoutingHint } from '@brigade/conversations';
import { takeableByAnother } from './routing-policy';
import {
  ROUTABLE_SQL,
  RoutedAssignment,
  RoutingService,
  SCHEDULED_SQL,
  routingOptionsFrom,
  takeRoutingLock,
} from './routing.service';
import type { RemovalReason } from '@brigade/realtime';

/** The `conversation:removed` reasons of the realtime contract. */
export type ReleaseReason = RemovalReason;

export interface ReleasedConversation {
  conversationId: string;
  fromAgentId: string;
  reason: ReleaseReason;
}

export interface AbandonedConversation {
  conversationId: string;
  channel: string;
  externalId: string;
}

/**
 * A conversation left unanswered past its no-reply delay that nobody else could take: it stays with its gendarme
 * and the supervisors are alerted (once per assignment).
 */
export interface EscalatedConversation {
  conversationId: string;
  agentId: string;
  agentName: string;
  priority: number;
  queue: string;
  unansweredSince: Date;
}

/** Everything a re-routing step changed, for the notifier to tell the desks and the citizens. */
export interface RoutingChange {
  released: ReleasedConversation[];
  assignments: RoutedAssignment[];
  abandoned: AbandonedConversation[];
  escalated?: EscalatedConversation[];
}

interface StaleRow {
  id: string;
  display_name: string;
  no_reply_ms: number | null;
  why: ReleaseReason;
  assignee_id: string;
  priority: number;
  queue: string;
  language: string;
  waiting_since: Date;
  assigned_at: Date;
  required_skill: string | null;
  escalated: boolean;
}

export type DutyRequest = 'on' | 'off' | 'roster';

export interface TransferTarget {
  agentId?: string;
  queue?: string;
}

interface ReleaseItem {
  conversationId: string;
  reason: ReleaseReason;
  hint: RoutingHint | null;
  note: string;
  noteAuthorId: string | null;
}

const minutes = (ms: number) => Math.round(ms / 60_000);

/**
 * The automatic note written in the conversation when it changes hands, so that the next gendarme knows why.
 * noReplyMs: the delay that applied (the queue's own, or the default of the priority class).
 */
function handoverNote(reason: ReleaseReason, agentName: string, noReplyMs: number): string {
  switch (reason) {
    case 'shift-end':
      return `Relève : ${agentName} a terminé son service. Conversation transmise à un gendarme de service.`;
    case 'off-duty':
      return `Relève : ${agentName} a été retiré du service par un superviseur. Conversation transmise.`;
    case 'agent-offline':
      return `Relève : ${agentName} est hors ligne (délai de reconnexion dépassé). Conversation transmise.`;
    case 'no-reply':
      return (
        `Réattribution : pas de réponse de ${agentName} dans les ${minutes(noReplyMs)} ` +
        'minutes suivant l’attribution.'
      );
    default:
      return `Conversation transmise par ${agentName}.`;
  }
}

/**
 * Moves conversations between agents and the queue: hand-over when an agent leaves (offline past the grace
 * period, end of shift, taken off duty), no reply in time, transfer and supervisor reassignment, abandonment.
 * Every step runs under the routing lock, then serves the queue in the same transaction.
 */
@Injectable()
export class ReroutingService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly routing: RoutingService,
    private readonly audit: AuditService,
  ) {}

  /** The periodic safety net: agents gone or off duty, chats with no reply in time, silent citizens; then serve. */
  async sweep(reason = 'tick'): Promise<RoutingChange> {
    return this.counted(async (manager) => {
      await takeRoutingLock(manager);
      const now = this.clock.now();
      const { released, escalated } = await this.releaseStale(manager, now);
      const abandoned = await this.abandonSilent(manager, now);
      const assignments = await this.routing.drainWithin(manager, now, reason);
      return { released, assignments, abandoned, escalated };
    });
  }

  /** A supervisor puts a reinforcement on duty now, takes someone off duty, or gives them back to the roster. */
  async setDuty(actor: AgentPrincipal, agentId: string, duty: DutyRequest): Promise<RoutingChange> {
    return this.counted(async (manager) => {
      await takeRoutingLock(manager);
      const now = this.clock.now();
      const override: DutyOverride = duty === 'roster' ? null : duty;
      const [, affected] = (await manager.query(`UPDATE agents SET duty_override = $2 WHERE id = $1 AND active`, [
        agentId,
        override,
      ])) as [unknown, number];
      if (!affected) throw new NotFoundError('Agent introuvable');
      await this.audit.record(
        {
          actorType: 'agent',
          actorId: actor.agentId,
          action: 'agent.duty',
          subjectType: 'agent',
          subjectId: agentId,
          details: { duty },
        },
        manager,
      );
      const { released, escalated } = await this.releaseStale(manager, now, agentId);
      const assignments = await this.routing.drainWithin(manager, now, duty === 'on' ? 'reinforcement' : 'duty-change');
      return { released, assignments, abandoned: [], escalated };
    });
  }

  /**
   * Hands a conversation to an agent (who must be on duty, available and with room) or to a queue, with a note
   * kept in the conversation. A transfer is made by the assignee or a supervisor; a reassignment by a supervisor.
   */
  async transfer(
    actor: AgentPrincipal,
    conversationId: string,
    target: TransferTarget,
    note: string,
    kind: 'transfer' | 'reassign',
  ): Promise<RoutingChange> {
    if (!target.agentId === !target.queue) throw new InvalidInputError('Indiquez un agent ou une file, pas les deux');
    return this.counted(async (manager) => {
      await takeRoutingLock(manager);
      const now = this.clock.now();
      const rows: { id: string; status: string; assignee_id: string | null; channel: string; priority: number }[] =
        await manager.query(
          `SELECT id, status, assignee_id, channel, priority FROM conversations WHERE id = $1 FOR UPDATE`,
          [conversationId],
        );
      const conversation = rows[0];
      if (!conversation) throw new NotFoundError('Conversation introuvable');
      const supervisor = actor.role === 'supervisor' || actor.role === 'admin';
      if (!supervisor && conversation.assignee_id !== actor.agentId) {
        throw new ForbiddenError('Cette conversation ne vous est pas attribuée');
      }
      const movable = conversation.status === 'assigned' || (kind === 'reassign' && conversation.status === 'waiting');
      if (!movable) throw new ConflictError('Cette conversation ne peut plus être transférée');
      const from = conversation.assignee_id;
      const text = note.trim();
      await this.audit.record(
        {
          actorType: 'agent',
          actorId: actor.agentId,
          action: `conversation.${kind}`,
          subjectType: 'conversation',
          subjectId: conversationId,
          details: { from, to: target.agentId ?? null, queue: target.queue ?? null },
        },
        manager,
      );

      if (target.queue) {
        await manager.query(`UPDATE conversations SET queue = $2 WHERE id = $1`, [conversationId, target.queue]);
        const noteText = `${kind === 'transfer' ? 'Transfert' : 'Réattribution'} vers la file « ${target.queue} »${text ? ` : ${text}` : ''}`;
        let released: ReleasedConversation[] = [];
        if (from) {
          released = await this.releaseWithin(manager, now, [
            { conversationId, reason: kind, hint: 'avoid-previous', note: noteText, noteAuthorId: actor.agentId },
          ]);
        } else {
          await this.insertNotes(manager, now, [{ conversationId, note: noteText, noteAuthorId: actor.agentId }]);
        }
        const assignments = await this.routing.drainWithin(manager, now, kind);
        return { released, assignments, abandoned: [] };
      }

      const targetId = target.agentId!;
      if (targetId === from) throw new InvalidInputError('Cette conversation est déjà attribuée à cet agent');
      const candidates: { id: string; display_name: string; capacity: number; load: number }[] = await manager.query(
        `SELECT a.id, a.display_name, a.capacity, a.open_load AS load FROM agents a WHERE a.id = $2 AND ${ROUTABLE_SQL}`,
        [now, targetId],
      );
      const recipient = candidates[0];
      if (!recipient) throw new ConflictError('Cet agent n’est pas de service et disponible');
      if (recipient.load >= recipient.capacity) throw new ConflictError('Cet agent n’a plus de place');
      await manager.query(
        `UPDATE conversations SET status = 'assigned', previous_assignee_id = COALESCE(assignee_id, previous_assignee_id),
                assignee_id = $2, assigned_at = $3, routing_hint = NULL WHERE id = $1`,
        [conversationId, targetId, now],
      );
      await manager.query(
        `UPDATE assignments SET ended_at = $2, end_reason = $3 WHERE conversation_id = $1 AND ended_at IS NULL`,
        [conversationId, now, kind],
      );
      await manager.query(
        `INSERT INTO assignments (conversation_id, agent_id, reason, assigned_at) VALUES ($1, $2, $3, $4)`,
        [conversationId, targetId, kind, now],
      );
      await manager.query(`UPDATE agents SET last_assigned_at = $2 WHERE id = $1`, [targetId, now]);
      const noteText = `${kind === 'transfer' ? 'Transfert' : 'Réattribution'} à ${recipient.display_name}${text ? ` : ${text}` : ''}`;
      await this.insertNotes(manager, now, [{ conversationId, note: noteText, noteAuthorId: actor.agentId }]);
      return {
        released: from ? [{ conversationId, fromAgentId: from, reason: kind }] : [],
        assignments: [{ conversationId, agentId: targetId, priority: conversation.priority, overflow: false, reason: kind }],
        abandoned: [],
      };
    });
  }

  /**
   * Conversations whose agent is gone (offline, or disconnected past the grace period), off duty (end of shift,
   * taken off) or silent past the no-reply delay of their queue (or, without one, of their priority) go back to the
   * queue with a hand-over note.
   */
  private async releaseStale(
    manager: EntityManager,
    now: Date,
    onlyAgentId?: string,
  ): Promise<{ released: ReleasedConversation[]; escalated: EscalatedConversation[] }> {
    const graceLimit = new Date(now.getTime() - this.config.routing.presenceGraceMs);
    // An agent whose last connection dropped more than the grace period ago is offline.
    await manager.query(
      `UPDATE agents SET presence = 'offline' WHERE disconnected_at IS NOT NULL AND disconnected_at <= $1 AND presence <> 'offline'`,
      [graceLimit],
    );
    // The no-reply delay is the queue's own (queues.no_reply_reroute_minutes, read at every sweep) when set, else
    // the configured default of the priority class (0 there: never).
    const rows: StaleRow[] = await manager.query(
      `SELECT * FROM (
         SELECT c.id, a.display_name, d.no_reply_ms, c.assignee_id, c.priority, c.queue, c.language, c.waiting_since,
                c.assigned_at, CASE WHEN q.key IS NULL THEN NULLIF(c.queue, 'general') ELSE q.required_skill END AS required_skill,
                COALESCE(c.no_reply_escalated_at >= c.assigned_at, false) AS escalated,
                CASE
                  WHEN NOT a.active OR a.presence = 'offline' THEN 'agent-offline'
                  WHEN a.duty_override = 'off' THEN 'off-duty'
                  WHEN NOT ${SCHEDULED_SQL} THEN 'shift-end'
                  WHEN (c.last_agent_message_at IS NULL OR c.last_agent_message_at < c.assigned_at)
                       AND d.no_reply_ms > 0
                       AND c.assigned_at <= $1::timestamptz - d.no_reply_ms * interval '1 millisecond'
                    THEN 'no-reply'
                END AS why
           FROM conversations c JOIN agents a ON a.id = c.assignee_id
           LEFT JOIN queues q ON q.key = c.queue
           CROSS JOIN LATERAL (
             SELECT COALESCE(q.no_reply_reroute_minutes * 60000.0, ($2::float8[])[c.priority + 1])::float8 AS no_reply_ms
           ) d
          WHERE c.status = 'assigned' AND ($3::uuid IS NULL OR a.id = $3)) s
        WHERE why IS NOT NULL`,
      [now, this.config.routing.noReplyMs, onlyAgentId ?? null],
    );
    // An unanswered conversation moves only when someone else can take it; otherwise the release would give it straight
    // back to the same gendarme (a loop of "taken from you" / "assigned to you"): it stays, and is escalated.
    const unanswered = rows.filter((row) => row.why === 'no-reply');
    let movable = new Set<string>();
    if (unanswered.length > 0) {
      const { agents, skillsOnDuty } = await this.routing.routableAgents(manager, now, true);
      movable = takeableByAnother(
        unanswered.map((row) => ({
          id: row.id,
          priority: row.priority,
          queue: row.queue,
          language: row.language,
          waitingSince: row.waiting_since,
          requiredSkill: row.required_skill,
          heldBy: row.assignee_id,
        })),
        agents,
        routingOptionsFrom(this.config, now),
        skillsOnDuty,
      );
    }
    const toRelease = rows.filter((row) => row.why !== 'no-reply' || movable.has(row.id));
    const toEscalate = unanswered.filter((row) => !movable.has(row.id) && !row.escalated);
    const released = await this.releaseWithin(
      manager,
      now,
      toRelease.map((row) => ({
        conversationId: row.id,
        reason: row.why,
        hint: row.why === 'no-reply' ? 'avoid-previous' : null,
        note: handoverNote(row.why, row.display_name, Number(row.no_reply_ms ?? 0)),
        noteAuthorId: null,
      })),
    );
    return { released, escalated: await this.escalateUnanswered(manager, now, toEscalate) };
  }

  /** Marks each conversation escalated for its current assignment (once), with a note the gendarme sees. */
  private async escalateUnanswered(manager: EntityManager, now: Date, rows: StaleRow[]): Promise<EscalatedConversation[]> {
    if (rows.length === 0) return [];
    const [marked] = (await manager.query(
      `UPDATE conversations SET no_reply_escalated_at = $2
        WHERE id = ANY($1::uuid[]) AND status = 'assigned'
          AND (no_reply_escalated_at IS NULL OR no_reply_escalated_at < assigned_at)
      RETURNING id`,
      [rows.map((row) => row.id), now],
    )) as [{ id: string }[], number];
    const done = new Set(marked.map((row) => row.id));
    const escalated = rows.filter((row) => done.has(row.id));
    await this.insertNotes(
      manager,
      now,
      escalated.map((row) => ({
        conversationId: row.id,
        note:
          `Alerte : pas de réponse de ${row.display_name} depuis ${minutes(Number(row.no_reply_ms ?? 0))} minutes ` +
          'et aucun autre gendarme disponible ; superviseurs alertés.',
        noteAuthorId: null,
      })),
    );
    return escalated.map((row) => ({
      conversationId: row.id,
      agentId: row.assignee_id,
      agentName: row.display_name,
      priority: row.priority,
      queue: row.queue,
      unansweredSince: row.assigned_at,
    }));
  }

  /** Back to the queue, with the assignment history closed and a note in the conversation. */
  private async releaseWithin(manager: EntityManager, now: Date, items: ReleaseItem[]): Promise<ReleasedConversation[]> {
    if (items.length === 0) return [];
    const [rows] = (await manager.query(
      `UPDATE conversations c SET status = 'waiting', previous_assignee_id = c.assignee_id, assignee_id = NULL,
              assigned_at = NULL, waiting_since = $3, routing_hint = p.hint
         FROM unnest($1::uuid[], $2::text[]) AS p(id, hint)
        WHERE c.id = p.id AND c.status = 'assigned'
      RETURNING c.id, c.previous_assignee_id`,
      [items.map((i) => i.conversationId), items.map((i) => i.hint), now],
    )) as [{ id: string; previous_assignee_id: string }[], number];
    const from = new Map(rows.map((row) => [row.id, row.previous_assignee_id]));
    const done = items.filter((item) => from.has(item.conversationId));
    if (done.length === 0) return [];
    await manager.query(
      `UPDATE assignments a SET ended_at = $3, end_reason = p.reason
         FROM unnest($1::uuid[], $2::text[]) AS p(id, reason)
        WHERE a.conversation_id = p.id AND a.ended_at IS NULL`,
      [done.map((i) => i.conversationId), done.map((i) => i.reason), now],
    );
    await this.insertNotes(manager, now, done);
    return done.map((item) => ({
      conversationId: item.conversationId,
      fromAgentId: from.get(item.conversationId)!,
      reason: item.reason,
    }));
  }

  /** Runs one rerouting step in a transaction and counts its assignments once it has committed. */
  private async counted(step: (manager: EntityManager) => Promise<RoutingChange>): Promise<RoutingChange> {
    const change = await this.dataSource.transaction(step);
    this.routing.countCommitted(change.assignments);
    return change;
  }

  /** Internal messages: seen on the desk, never sent to the citizen. */
  private async insertNotes(
    manager: EntityManager,
    now: Date,
    notes: Pick<ReleaseItem, 'conversationId' | 'note' | 'noteAuthorId'>[],
  ): Promise<void> {
    await manager.query(
      `INSERT INTO messages (conversation_id, channel, direction, author_type, author_agent_id, text, delivery_status, created_at)
       SELECT c.id, c.channel, 'internal', CASE WHEN p.author IS NULL THEN 'system' ELSE 'agent' END, p.author, p.note,
              'received', $4
         FROM unnest($1::uuid[], $2::text[], $3::uuid[]) AS p(id, note, author) JOIN conversations c ON c.id = p.id`,
      [notes.map((n) => n.conversationId), notes.map((n) => n.note), notes.map((n) => n.noteAuthorId), now],
    );
  }

  /** Waiting conversations whose citizen has said nothing for the configured time are closed as abandoned. */
  private async abandonSilent(manager: EntityManager, now: Date): Promise<AbandonedConversation[]> {
    if (this.config.routing.abandonAfterMs <= 0) return [];
    const limit = new Date(now.getTime() - this.config.routing.abandonAfterMs);
    const [rows] = (await manager.query(
      `UPDATE conversations c SET status = 'abandoned', closed_at = $1, close_outcome = 'abandoned'
         FROM channel_identities i
        WHERE i.id = c.identity_id AND c.status = 'waiting'
          AND GREATEST(c.waiting_since, COALESCE(c.last_citizen_message_at, c.waiting_since)) <= $2
      RETURNING c.id, c.channel, i.external_id`,
      [now, limit],
    )) as [{ id: string; channel: string; external_id: string }[], number];
    return rows.map((row) => ({ conversationId: row.id, channel: row.channel, externalId: row.external_id }));
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { preparedStatement, runPrepared } from '@brigade/persistence';
import { ConversationsService, Message } from '@brigade/conversations';
import { JobProducer, QueueName } from '@brigade/queue';
import { timeStage } from '@brigade/metrics';
import { RealtimePublisher } from '@brigade/realtime';
import { CitizenQueueStatus, QueueStatusService } from './queue-status.service';
import { RoutingChange } from './rerouting.service';
import { RoutedAssignment } from './routing.service';
import { EMERGENCY } from './routing-policy';
import { SocialQueueStatusService } from './social-queue-status.service';

/**
 * What is worth pushing to a waiting citizen: every move near the head of the queue, a move of a tenth of the
 * position further back (a national surge must not push every citizen at every assignment), an estimate that moves
 * by half a minute.
 */
const ALWAYS_PUSHED_POSITIONS = 20;
const SIGNIFICANT_POSITION_CHANGE = 0.1;
const SIGNIFICANT_ESTIMATE_CHANGE_SECONDS = 30;

export function significantChange(previous: CitizenQueueStatus | undefined, current: CitizenQueueStatus): boolean {
  if (!previous) return true;
  const moved = previous.queuePosition !== current.queuePosition;
  if (moved && current.queuePosition <= ALWAYS_PUSHED_POSITIONS) return true;
  if (Math.abs(previous.queuePosition - current.queuePosition) >= SIGNIFICANT_POSITION_CHANGE * previous.queuePosition) {
    return moved;
  }
  if ((previous.estimatedWaitSeconds === undefined) !== (current.estimatedWaitSeconds === undefined)) return true;
  return (
    Math.abs((previous.estimatedWaitSeconds ?? 0) - (current.estimatedWaitSeconds ?? 0)) >= SIGNIFICANT_ESTIMATE_CHANGE_SECONDS
  );
}

/**
 * What a waiting web chat citizen is told is recorded on the conversation (the queue_status_told_* columns, which the
 * social channels use too), and a position is told only if it is the first of this wait, smaller than the last one
 * told, or the same with another estimate: a told position never goes back. Conversations committed out of their
 * arrival order in a burst (two workers, each transaction stamped when it began) or an emergency going ahead would
 * otherwise push some citizens back by a place or two; their told place waits until the real one catches up. Rows
 * another process is telling at the same moment are skipped (it tells them); the lock is held until the push is in the
 * stream, so that two processes' figures reach a citizen in the order they were recorded.
 */
const TELL_WEBCHAT_POSITIONS = `
  WITH figures AS (SELECT * FROM unnest($1::uuid[], $2::int[], $3::int[]) AS f(id, position, wait)),
       locked AS (
         SELECT c.id, c.waiting_since, c.queue_status_told_for, c.queue_status_told_position, c.queue_status_told_wait_seconds
           FROM conversations c JOIN figures f ON f.id = c.id
          WHERE c.status = 'waiting' AND c.channel = 'webchat'
          ORDER BY c.id
            FOR UPDATE OF c SKIP LOCKED)
  UPDATE conversations c
     SET queue_status_told_position = f.position, queue_status_told_wait_seconds = f.wait,
         queue_status_told_at = $4, queue_status_told_for = l.waiting_since
    FROM locked l JOIN figures f ON f.id = l.id
   WHERE c.id = l.id
     AND (l.queue_status_told_for IS DISTINCT FROM l.waiting_since
          OR l.queue_status_told_position IS NULL
          OR f.position < l.queue_status_told_position
          OR (f.position = l.queue_status_told_position AND f.wait IS DISTINCT FROM l.queue_status_told_wait_seconds))
  RETURNING c.id`;

/** Who to tell that a web chat conversation was assigned, and the name of the gendarme they now talk to. */
const CITIZEN_AND_AGENT_NAME = preparedStatement(
  'citizen-and-agent-name',
  `SELECT i.external_id, a.display_name
     FROM conversations c JOIN channel_identities i ON i.id = c.identity_id JOIN agents a ON a.id = $2
    WHERE c.id = $1`,
);

/**
 * Tells the desks and the citizens what routing changed: new assignments (with an interrupting alert for an
 * emergency), conversations taken away, abandoned chats, and the queue position and wait of waiting citizens.
 */
@Injectable()
export class AssignmentNotifier {
  /** Last status pushed per waiting conversation, so that only changes are pushed. Per process; duplicates are harmless. */
  private readonly lastQueueStatus = new Map<string, CitizenQueueStatus>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly conversations: ConversationsService,
    private readonly realtime: RealtimePublisher,
    private readonly queueStatus: QueueStatusService,
    private readonly jobs: JobProducer,
    private readonly socialQueueStatus: SocialQueueStatusService,
  ) {}

  /**
   * Sends the automatic acknowledgement: straight to the web chat widget (as a 'system' message), through the
   * outbound queue for the other channels (the relay re-sends it if Redis loses the job).
   */
  async sendAcknowledgement(message: Message, visitorId?: string): Promise<void> {
    if (message.channel !== 'webchat') {
      await this.jobs.add(QueueName.Outbound, { messageId: message.id }, { jobId: `out-${message.id}` });
      return;
    }
    // The web chat visitor, when the caller does not know it already.
    const rows: { external_id: string }[] = visitorId
      ? [{ external_id: visitorId }]
      : await this.dataSource.query(
          `SELECT i.external_id FROM conversations c JOIN channel_identities i ON i.id = c.identity_id WHERE c.id = $1`,
          [message.conversationId],
        );
    if (!rows[0]) return;
    await this.realtime.toCitizen(rows[0].external_id, 'message', {
      id: message.id,
      conversationId: message.conversationId,
      author: 'system',
      text: message.text,
      at: message.createdAt.toISOString(),
    });
  }

  /** Pushes each assignment to its agent with the reason its history row records (a reopened one stays 'reopened'). */
  async notify(assignments: RoutedAssignment[]): Promise<void> {
    await this.socialQueueStatus.withdraw(assignments.map((assignment) => assignment.conversationId));
    await Promise.all(assignments.map((assignment) => this.notifyOne(assignment)));
  }

  async notifyChange(change: RoutingChange): Promise<void> {
    // Removals first: an agent losing a conversation and another gaining it must not both show it.
    await Promise.all(
      change.released.map((released) =>
        this.realtime.toAgent(released.fromAgentId, 'conversation:removed', {
          conversationId: released.conversationId,
          reason: released.reason,
        }),
      ),
    );
    await this.notify(change.assignments);
    await Promise.all(
      change.abandoned
        .filter((abandoned) => abandoned.channel === 'webchat')
        .map((abandoned) => this.realtime.toCitizen(abandoned.externalId, 'status', { state: 'closed' })),
    );
    await Promise.all(
      (change.escalated ?? []).map((escalated) =>
        this.realtime.toSupervisors('supervisor:alert', {
          kind: 'no-reply',
          conversationId: escalated.conversationId,
          agentId: escalated.agentId,
          agentName: escalated.agentName,
          priority: escalated.priority,
          queue: escalated.queue,
          since: escalated.unansweredSince.toISOString(),
        }),
      ),
    );
    for (const abandoned of change.abandoned) this.lastQueueStatus.delete(abandoned.conversationId);
    await this.socialQueueStatus.withdraw(change.abandoned.map((abandoned) => abandoned.conversationId));
  }

  /**
   * Pushes the queue position and estimated wait to waiting web chat citizens whose figures changed (all of them, or
   * the listed conversations), and tells the social-channel citizens by message when it is due (the listed ones are
   * citizens who just wrote: their first status of the wait; the tick sends the significant changes).
   */
  async publishQueueStatuses(conversationIds?: string[]): Promise<number> {
    const [webchat, social] = await timeStage('queue_status', () =>
      Promise.all([this.publishWebchatStatuses(conversationIds), this.socialQueueStatus.publish(conversationIds)]),
    );
    return webchat + social;
  }

  private async publishWebchatStatuses(conversationIds?: string[]): Promise<number> {
    const statuses = await this.queueStatus.citizenStatuses(conversationIds);
    if (!conversationIds) {
      const live = new Set(statuses.map((status) => status.conversationId));
      for (const id of this.lastQueueStatus.keys()) if (!live.has(id)) this.lastQueueStatus.delete(id);
    }
    const changed = statuses.filter((status) => significantChange(this.lastQueueStatus.get(status.conversationId), status));
    if (changed.length === 0) return 0;
    return this.dataSource.transaction(async (manager) => {
      // TypeORM answers an UPDATE ... RETURNING with [rows, count].
      const [rows] = (await manager.query(TELL_WEBCHAT_POSITIONS, [
        changed.map((status) => status.conversationId),
        changed.map((status) => status.queuePosition),
        changed.map((status) => status.estimatedWaitSeconds ?? null),
        new Date(),
      ])) as [{ id: string }[], number];
      const told = new Set(rows.map((row) => row.id));
      // Pushed while the rows stay locked: another process's later figures for them cannot overtake these.
      await Promise.all(
        changed
          .filter((status) => told.has(status.conversationId))
          .map((status) => {
            this.lastQueueStatus.set(status.conversationId, status);
            return this.realtime.toCitizen(status.visitorId, 'status', {
              state: 'waiting',
              queuePosition: status.queuePosition,
              ...(status.estimatedWaitSeconds !== undefined ? { estimatedWaitSeconds: status.estimatedWaitSeconds } : {}),
            });
          }),
      );
      return told.size;
    });
  }

  private async notifyOne(assignment: RoutedAssignment): Promise<void> {
    this.lastQueueStatus.delete(assignment.conversationId);
    const event = await timeStage('desk_view', () => this.conversations.assignmentEvent(assignment.conversationId, assignment.reason));
    await this.realtime.toAgent(assignment.agentId, 'conversation:assigned', event);
    if (assignment.priority === EMERGENCY) {
      await this.realtime.toAgent(assignment.agentId, 'conversation:emergency', {
        conversationId: assignment.conversationId,
        priority: assignment.priority,
        overflow: assignment.overflow,
      });
    }
    if (event.conversation.channel !== 'webchat') return;
    const { rows } = await runPrepared<{ external_id: string; display_name: string }>(this.dataSource, CITIZEN_AND_AGENT_NAME, [
      assignment.conversationId,
      assignment.agentId,
    ]);
    if (rows[0]) {
      await this.realtime.toCitizen(rows[0].external_id, 'status', { state: 'assigned', agentName: rows[0].display_name });
    }
  }
}

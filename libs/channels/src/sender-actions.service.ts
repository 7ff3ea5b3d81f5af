import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { JobPayloads, JobProducer, QueueName, SenderActionName } from '@brigade/queue';
import { PermanentDeliveryError } from './channel-adapter';
import { FacebookAdapter } from './facebook/facebook.adapter';
import { facebookReplyMode } from './facebook/facebook-reply-window';

/** At most one "typing" per conversation in this span, whatever the number of desk tabs and API processes. */
export const TYPING_ON_INTERVAL_MS = 5_000;
/** A notice older than this when a worker takes it is dropped: "typing" or "seen" shown late would mislead. */
const MAX_AGE_MS: Record<SenderActionName, number> = { typing_on: 8_000, typing_off: 8_000, mark_seen: 60_000 };

export type SenderActionOutcome = 'sent' | 'stale' | 'not-applicable' | 'outside-window' | 'refused';

/**
 * Messenger's sender actions from the desk: "typing…" while the agent writes, "seen" when the agent opens the
 * conversation. They are best effort: queued on their own queue (never in the way of replies), sent by the worker
 * within the reply window only, dropped when stale, retried once at most, never recorded as messages.
 */
@Injectable()
export class SenderActionsService {
  private readonly logger = new Logger(SenderActionsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobProducer,
    private readonly facebook: FacebookAdapter,
  ) {}

  /**
   * Asked by the desk for a conversation the agent holds; returns whether a notice was queued. Never throws: the
   * desk must not wait on, or fail because of, a courtesy notice.
   */
  async requestFromDesk(agentId: string, conversationId: string, action: SenderActionName): Promise<boolean> {
    try {
      const rows: { id: string }[] = await this.dataSource.query(
        `SELECT id FROM conversations WHERE id = $1 AND assignee_id = $2 AND status = 'assigned' AND channel = 'facebook'`,
        [conversationId, agentId],
      );
      if (rows.length === 0) return false;
      await this.enqueue({ conversationId, action, requestedAt: Date.now() });
      return true;
    } catch (error) {
      this.logger.warn({ err: error, conversationId, action }, 'could not queue a sender action');
      return false;
    }
  }

  /** Queues a notice for a Messenger conversation; "typing" is thinned out across every process (Redis). */
  async enqueue(payload: JobPayloads[QueueName.SenderActions]): Promise<void> {
    await this.jobs.add(
      QueueName.SenderActions,
      payload,
      payload.action === 'typing_on'
        ? { deduplication: { id: `typing-on:${payload.conversationId}`, ttl: TYPING_ON_INTERVAL_MS } }
        : {},
    );
  }

  /** The worker's side. Transient failures are thrown (one retry by the job defaults); refusals are only logged. */
  async deliver(payload: JobPayloads[QueueName.SenderActions], now = new Date()): Promise<SenderActionOutcome> {
    if (now.getTime() - payload.requestedAt > MAX_AGE_MS[payload.action]) return 'stale';
    const rows: {
      channel: string;
      status: string;
      last_citizen_message_at: Date | null;
      external_id: string;
      channel_account: string;
    }[] = await this.dataSource.query(
      `SELECT c.channel, c.status, c.last_citizen_message_at, i.external_id, i.channel_account
         FROM conversations c JOIN channel_identities i ON i.id = c.identity_id WHERE c.id = $1`,
      [payload.conversationId],
    );
    const target = rows[0];
    if (!target || target.channel !== 'facebook' || target.status !== 'assigned') return 'not-applicable';
    // Messenger accepts nothing from the page outside the reply window, sender actions included.
    if (!facebookReplyMode(target.last_citizen_message_at, now).allowed) return 'outside-window';
    try {
      await this.facebook.senderAction(
        { externalId: target.external_id, channelAccount: target.channel_account },
        payload.action,
      );
      return 'sent';
    } catch (error) {
      if (!(error instanceof PermanentDeliveryError)) throw error;
      this.logger.warn({ conversationId: payload.conversationId, action: payload.action, reason: error.reason }, 'sender action refused');
      return 'refused';
    }
  }
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '@brigade/agents';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { QUEUE_STATUS_MESSAGE_PREFIX } from '@brigade/conversations';
import { JobProducer, QueueName } from '@brigade/queue';
import { QueueStatusService, SocialQueueCandidate } from './queue-status.service';
import {
  AUTOMATIC_MESSAGE_WINDOW_HOURS,
  SocialQueueStatusDecision,
  decideSocialQueueStatus,
  socialQueueStatusText,
} from './social-queue-status-policy';

/** Conversations looked at per tick: the nearest the head first; the others wait for the next ticks. */
const TICK_LIMIT = 200;

/** Lets the acknowledgement (queued just before) reach the citizen first. */
const FIRST_STATUS_DELAY_MS = 1000;

/**
 * Tells citizens of the social channels their queue position and estimated wait, as system messages through the
 * outbound queue (delivery attempts, retries, relay) like the acknowledgement. What was told lives on the
 * conversation row and each message is claimed by one conditional UPDATE, so several workers never send it twice.
 */
@Injectable()
export class SocialQueueStatusService {
  private readonly logger = new Logger(SocialQueueStatusService.name);
  private readonly settings: AppConfig['routing']['socialQueueStatus'];

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly clock: Clock,
    private readonly queueStatus: QueueStatusService,
    private readonly jobs: JobProducer,
  ) {
    this.settings = config.routing.socialQueueStatus;
  }

  /**
   * With ids: these citizens just wrote (first status of their wait, or an update if one is due). Without: the tick,
   * updates only. Answers how many messages were stored and queued.
   */
  async publish(conversationIds?: string[]): Promise<number> {
    if (!this.settings.enabled) return 0;
    let ids = conversationIds;
    if (ids) {
      // A primary-key look-up spares the web chat's messages the read of the whole queue.
      const social: { id: string }[] = await this.dataSource.query(
        `SELECT id FROM conversations WHERE id = ANY($1::uuid[]) AND status = 'waiting' AND channel NOT IN ('webchat', 'email')`,
        [ids],
      );
      ids = social.map((row) => row.id);
      if (ids.length === 0) return 0;
    }
    const candidates = await this.queueStatus.socialCandidates(
      ids
        ? { conversationIds: ids }
        : {
            dueFor: {
              minIntervalMs: this.settings.minIntervalMs,
              waitChangeSeconds: this.settings.waitChangeSeconds,
              limit: TICK_LIMIT,
              windowHours: { ...AUTOMATIC_MESSAGE_WINDOW_HOURS },
            },
          },
    );
    const now = this.clock.now();
    let told = 0;
    for (const candidate of candidates) {
      const decision = decideSocialQueueStatus(
        {
          now,
          channel: candidate.channel,
          current: candidate,
          told: candidate.told,
          citizenJustWrote: conversationIds !== undefined,
          lastCitizenMessageAt: candidate.lastCitizenMessageAt,
        },
        this.settings,
      );
      if (!decision.tell) continue;
      if (await this.tell(candidate, decision, now)) told += 1;
    }
    return told;
  }

  /**
   * Conversations that left the queue (assigned, abandoned): a position not sent yet is withdrawn (failed, with the
   * reason), so the delivery never sends it. One sent meanwhile cannot be taken back.
   */
  async withdraw(conversationIds: string[]): Promise<void> {
    if (conversationIds.length === 0) return;
    await this.dataSource.query(
      `UPDATE messages SET delivery_status = 'failed', delivery_error = 'not sent: the conversation left the queue'
        WHERE conversation_id = ANY($1::uuid[]) AND direction = 'outbound' AND delivery_status = 'queued'
          AND client_message_id LIKE $2`,
      [conversationIds, `${QUEUE_STATUS_MESSAGE_PREFIX}%`],
    );
  }

  /** Claims the message (the same guards as the decision, checked again on the locked row) and stores it, in one statement. */
  private async tell(candidate: SocialQueueCandidate, decision: SocialQueueStatusDecision & { tell: true }, now: Date): Promise<boolean> {
    const windowHours = AUTOMATIC_MESSAGE_WINDOW_HOURS[candidate.channel] ?? null;
    const rows: { id: string }[] = await this.dataSource.query(
      `WITH claimed AS (
         UPDATE conversations
            SET queue_status_told_at = $2, queue_status_told_position = $3, queue_status_told_wait_seconds = $4,
                queue_status_told_for = waiting_since
          WHERE id = $1 AND status = 'waiting'
            AND CASE WHEN $10 = 'first'
                     THEN queue_status_told_at IS NULL OR queue_status_told_for IS DISTINCT FROM waiting_since
                     ELSE queue_status_told_for = waiting_since AND queue_status_told_at = $7::timestamptz
                          AND queue_status_told_at <= $2::timestamptz - make_interval(secs => $8::float8)
                END
            AND ($9::int IS NULL OR last_citizen_message_at >= $2::timestamptz - make_interval(hours => $9::int))
          RETURNING id, channel)
       INSERT INTO messages (conversation_id, channel, direction, author_type, text, attachments, client_message_id,
                             delivery_status, created_at)
       SELECT id, channel, 'outbound', 'system', $5, '[]'::jsonb, $6, 'queued', $2 FROM claimed
       RETURNING id`,
      [
        candidate.conversationId,
        now,
        candidate.queuePosition,
        candidate.estimatedWaitSeconds ?? null,
        socialQueueStatusText(this.settings, candidate, candidate.language),
        `${QUEUE_STATUS_MESSAGE_PREFIX}${now.getTime()}`,
        candidate.told?.at ?? null,
        this.settings.minIntervalMs / 1000,
        windowHours,
        decision.kind,
      ],
    );
    if (rows.length === 0) return false;
    // The relay re-enqueues it if this is lost (it is a queued outbound message). The first status follows the
    // acknowledgement, whose job was queued just before: a short delay keeps them in that order on the phone.
    await this.jobs.add(
      QueueName.Outbound,
      { messageId: rows[0].id },
      { jobId: `out-${rows[0].id}`, ...(decision.kind === 'first' ? { delay: FIRST_STATUS_DELAY_MS } : {}) },
    );
    this.logger.log(
      { conversationId: candidate.conversationId, messageId: rows[0].id, kind: decision.kind, queuePosition: candidate.queuePosition },
      'queue status told',
    );
    return true;
  }
}

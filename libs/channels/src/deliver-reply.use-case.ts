import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { DeliveryStatus, Message, MessageAttachment } from '@brigade/conversations';
import { platformMetrics } from '@brigade/metrics';
import { preparedStatement, runPrepared } from '@brigade/persistence';
import { RealtimePublisher } from '@brigade/realtime';
import { ChannelRegistry } from './channel-registry';
import { ChannelName, OutboundDelivery, PermanentDeliveryError, TransientDeliveryError } from './channel-adapter';
import type { DeliveryAttemptOutcome } from './delivery-attempt.entity';

export type DeliveryOutcome = 'sent' | 'already-done' | 'missing' | 'failed';

/** A reply with what sending it needs, read in one query. */
interface ReplyRow {
  id: string;
  conversation_id: string;
  channel: ChannelName;
  direction: string;
  delivery_status: DeliveryStatus;
  text: string;
  attachments: MessageAttachment[];
  created_at: Date;
  author_agent_id: string | null;
  last_citizen_message_at: Date | null;
  external_id: string;
  channel_account: string;
  address: Record<string, unknown>;
  author_name: string | null;
}

/** Time given to an attempt in flight before a later one treats it as abandoned (its worker died). */
const LEASE_MARGIN_MS = 5_000;

/** One round trip for everything the send needs: the reply, its recipient and its author's name. */
const READ_REPLY_TO_SEND = preparedStatement(
  'read-reply-to-send',
  `SELECT m.id, m.conversation_id, m.channel, m.direction, m.delivery_status, m.text, m.attachments, m.created_at,
          m.author_agent_id, c.last_citizen_message_at, i.external_id, i.channel_account, i.address,
          a.display_name AS author_name
     FROM messages m
     JOIN conversations c ON c.id = m.conversation_id
     JOIN channel_identities i ON i.id = c.identity_id
     LEFT JOIN agents a ON a.id = m.author_agent_id
    WHERE m.id = $1`,
);

const MARK_IDEMPOTENT_REPLY_SENT = preparedStatement(
  'mark-idempotent-reply-sent',
  `UPDATE messages SET delivery_status = 'sent', channel_message_id = $1, sent_at = now(), delivery_error = NULL,
          delivery_attempts = delivery_attempts + 1
    WHERE id = $1 AND delivery_status = 'queued'`,
);

/**
 * Sends one stored agent reply through its channel and records the result. Only a 'queued' message is sent, and
 * every try is a row of delivery_attempts written before the call (outcome 'pending') and closed right after it
 * together with the provider's message id, so a redelivered job never sends a recorded reply again. The one window
 * left for a duplicate is a worker dying between the provider's acceptance and that record (docs/channels.md).
 * A channel whose recipient ignores a message id it has (the web chat) is sent to first and recorded after, with
 * no ledger.
 */
@Injectable()
export class DeliverReplyUseCase {
  private readonly leaseMs: number;
  private readonly maxAttempts: number;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly channels: ChannelRegistry,
    private readonly realtime: RealtimePublisher,
  ) {
    this.leaseMs = config.channels.sendTimeoutMs + LEASE_MARGIN_MS;
    this.maxAttempts = config.channels.maxDeliveryAttempts;
  }

  async execute(messageId: string): Promise<DeliveryOutcome> {
    const {
      rows: [row],
    } = await runPrepared<ReplyRow>(this.dataSource, READ_REPLY_TO_SEND, [messageId]);
    if (!row || row.direction !== 'outbound') return 'missing';
    if (row.delivery_status !== 'queued') return 'already-done';
    const message = { id: row.id, conversationId: row.conversation_id, channel: row.channel, authorAgentId: row.author_agent_id };
    const adapter = this.channels.get(row.channel);
    const delivery: OutboundDelivery = {
      messageId: row.id,
      conversationId: row.conversation_id,
      text: row.text,
      attachments: row.attachments,
      recipient: { externalId: row.external_id, channelAccount: row.channel_account, address: row.address },
      authorName: row.author_name ?? 'Gendarmerie',
      createdAt: row.created_at,
      lastCitizenMessageAt: row.last_citizen_message_at,
    };

    if (adapter.idempotentSend) {
      // Sent before it is recorded: a retry after a crash in between sends it again, and the recipient ignores
      // the id it has. No attempt ledger is needed for that.
      await adapter.send(delivery);
      await runPrepared(this.dataSource, MARK_IDEMPOTENT_REPLY_SENT, [messageId]);
      platformMetrics.messages.inc({ channel: row.channel, direction: 'outbound' });
      await this.publishStatus(message, 'sent', null);
      return 'sent';
    }

    const attempt = await this.beginAttempt(message);
    if (attempt === 'already-done') return 'already-done';
    if (attempt === 'exhausted') {
      await this.markFailed(message, `Not delivered after ${this.maxAttempts} attempts`);
      return 'failed';
    }

    let providerMessageId: string;
    try {
      const receipt = await adapter.send(delivery);
      providerMessageId = receipt.providerMessageId;
    } catch (error) {
      await this.finishAttempt(message.id, attempt, error);
      if (error instanceof PermanentDeliveryError) await this.markFailed(message, error.reason);
      throw error;
    }
    // One statement right after the provider's answer: the duplicate window is this round trip.
    await this.dataSource.query(
      `WITH attempt AS (
         UPDATE delivery_attempts SET outcome = 'sent', provider_message_id = $2, finished_at = now()
          WHERE message_id = $1 AND attempt = $3
       )
       UPDATE messages SET delivery_status = 'sent', channel_message_id = $2, sent_at = now(), delivery_error = NULL
        WHERE id = $1 AND delivery_status = 'queued'`,
      [messageId, providerMessageId, attempt],
    );
    platformMetrics.messages.inc({ channel: message.channel, direction: 'outbound' });
    await this.publishStatus(message, 'sent', null);
    return 'sent';
  }

  /**
   * Opens attempt N+1 under a lock of the message row. A 'pending' attempt younger than the lease belongs to a
   * worker still sending: wait for it. An older one was abandoned by a dead worker: it is marked 'in-doubt'.
   */
  private async beginAttempt(message: Pick<Message, 'id' | 'channel'>): Promise<number | 'already-done' | 'exhausted'> {
    return this.dataSource.transaction(async (manager) => {
      const [locked] = (await manager.query(`SELECT delivery_status FROM messages WHERE id = $1 FOR UPDATE`, [message.id])) as {
        delivery_status: string;
      }[];
      if (!locked || locked.delivery_status !== 'queued') return 'already-done';
      const [last] = (await manager.query(
        `SELECT attempt, outcome, (extract(epoch FROM now() - started_at) * 1000)::int AS age_ms
           FROM delivery_attempts WHERE message_id = $1 ORDER BY attempt DESC LIMIT 1`,
        [message.id],
      )) as { attempt: number; outcome: DeliveryAttemptOutcome; age_ms: number }[];
      if (last?.outcome === 'pending') {
        if (last.age_ms < this.leaseMs) {
          throw new TransientDeliveryError('another worker is sending this reply', this.leaseMs - last.age_ms);
        }
        await manager.query(
          `UPDATE delivery_attempts SET outcome = 'in-doubt', finished_at = now(),
                  error = 'the worker stopped before recording the provider''s answer'
            WHERE message_id = $1 AND attempt = $2`,
          [message.id, last.attempt],
        );
      }
      const next = (last?.attempt ?? 0) + 1;
      if (next > this.maxAttempts) return 'exhausted';
      await manager.query(`INSERT INTO delivery_attempts (message_id, attempt, channel) VALUES ($1, $2, $3)`, [
        message.id,
        next,
        message.channel,
      ]);
      await manager.query(`UPDATE messages SET delivery_attempts = $2 WHERE id = $1`, [message.id, next]);
      return next;
    });
  }

  private async finishAttempt(messageId: string, attempt: number, error: unknown): Promise<void> {
    const outcome: DeliveryAttemptOutcome =
      error instanceof PermanentDeliveryError
        ? 'permanent'
        : error instanceof TransientDeliveryError && error.retryAfterMs !== undefined
          ? 'rate-limited'
          : 'transient';
    const retryAfterMs = error instanceof TransientDeliveryError && error.retryAfterMs !== undefined ? Math.round(error.retryAfterMs) : null;
    await this.dataSource.query(
      `UPDATE delivery_attempts SET outcome = $3, error = $4, retry_after_ms = $5, finished_at = now()
        WHERE message_id = $1 AND attempt = $2`,
      [messageId, attempt, outcome, error instanceof Error ? error.message.slice(0, 2000) : String(error), retryAfterMs],
    );
  }

  /** Called when a delivery will not be retried any more. */
  async markFailed(message: Pick<Message, 'id' | 'conversationId' | 'authorAgentId'>, reason: string): Promise<void> {
    const updated = (await this.dataSource.query(
      `UPDATE messages SET delivery_status = 'failed', delivery_error = $2 WHERE id = $1 AND delivery_status = 'queued'
       RETURNING id`,
      [message.id, reason],
    )) as [unknown[], number];
    if (updated[1] === 0) return;
    await this.publishStatus(message, 'failed', reason);
  }

  async markFailedById(messageId: string, reason: string): Promise<void> {
    const message = await this.dataSource.getRepository(Message).findOneBy({ id: messageId });
    if (message) await this.markFailed(message, reason);
  }

  private async publishStatus(
    message: Pick<Message, 'id' | 'conversationId' | 'authorAgentId'>,
    status: DeliveryStatus,
    error: string | null,
  ): Promise<void> {
    if (!message.authorAgentId) return;
    await this.realtime.toAgent(message.authorAgentId, 'message:status', {
      messageId: message.id,
      conversationId: message.conversationId,
      status,
      error,
    });
  }
}

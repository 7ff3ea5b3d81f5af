import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { NormalisedInboundMessage } from './inbound-message';
import { Message, toDeskMessage } from '@brigade/conversations';
import { hydrateEntity, preparedStatement, runPrepared } from '@brigade/persistence';
import { platformMetrics } from '@brigade/metrics';
import { JobProducer, QueueName, correlation } from '@brigade/queue';
import { RealtimePublisher } from '@brigade/realtime';
import { triageIgnoresOnceAssigned } from '@brigade/triage';
import { InboxWriter, StoredAtOnce, StoredEntry } from './inbox-writer';
import { EmptyMessageError, isEmptyInbound, isPermanentStorageFailure, repairInbound } from './inbound-repair';
import { QuarantineService } from './quarantine.service';

export interface IntakeReceipt {
  inboxEntryId: string | null;
  duplicate: boolean;
  /** Not storable for good: recorded in the quarantine (see QuarantineService) instead. */
  quarantined?: boolean;
}


/**
 * INSERTs of the inbox running at once per process; messages arriving while they run go together in the next. Two
 * keeps an idle platform writing each message at once, and groups them under load rather than queueing for a
 * connection (the pool serves the desk's requests too).
 */
const INBOX_WRITES_IN_FLIGHT = 2;
const INBOX_BATCH_MAX = 200;

/** A stored message and the gendarme holding its conversation, if one does. */
const STORED_IN_ASSIGNED = preparedStatement(
  'stored-in-assigned',
  `SELECT row_to_json(m) AS message, c.assignee_id FROM messages m JOIN conversations c ON c.id = m.conversation_id
    WHERE m.channel = $1 AND m.channel_message_id = $2 AND c.status = 'assigned' AND c.assignee_id IS NOT NULL`,
);

export const inboundJobId = (inboxEntryId: string): string => `inbox-${inboxEntryId}`;

/**
 * The front door of every channel. The message is written to the inbox (one statement) before the caller
 * acknowledges it; the queue is only a wake-up call, and the relay re-sends it when Redis lost it. A message for a
 * gendarme already holding the conversation, which triage has nothing to say about, is stored in its conversation by
 * that same statement and shown to the gendarme from here: the common case costs no job and no second transaction.
 */
@Injectable()
export class IntakeService {
  private readonly logger = new Logger(IntakeService.name);

  private readonly inbox: InboxWriter;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobProducer,
    private readonly realtime: RealtimePublisher,
    private readonly quarantine: QuarantineService,
  ) {
    this.inbox = new InboxWriter(dataSource, INBOX_WRITES_IN_FLIGHT, INBOX_BATCH_MAX, (entries) => this.wakeIngestion(entries));
  }

  /**
   * `refuseEmpty`: a message with nothing left after cleaning throws EmptyMessageError (the web chat tells the citizen)
   * instead of being recorded in the quarantine (webhooks: the provider must not retry it). `quarantine: false` (a
   * replay from the quarantine): every failure is thrown, nothing is recorded again.
   */
  async accept(inbound: NormalisedInboundMessage, options: { refuseEmpty?: boolean; quarantine?: boolean } = {}): Promise<IntakeReceipt> {
    const quarantine = options.quarantine ?? true;
    // Repaired where that is safe (lone surrogates, NUL, control characters), in every field. The correlation id is
    // kept with the entry, so that a job the relay re-sends still carries it.
    const message = { ...repairInbound(inbound), correlationId: correlation.current() };
    if (isEmptyInbound(message)) {
      if (options.refuseEmpty || !quarantine) throw new EmptyMessageError();
      await this.quarantine.record(inbound, 'empty', null);
      return { inboxEntryId: null, duplicate: false, quarantined: true };
    }
    // This statement is the whole cost of accepting a message, paid on every one: grouped with the messages arriving
    // while earlier ones are written (see InboxWriter). Danger wording always goes through the worker and triage.
    let outcome: Awaited<ReturnType<InboxWriter['write']>>;
    try {
      // A message with attachments always goes through the worker, which links or downloads and stores its files.
      const mayStoreAtOnce = message.attachments.length === 0 && triageIgnoresOnceAssigned(message.text);
      outcome = await this.inbox.write(message, mayStoreAtOnce);
    } catch (error) {
      // Transient (PostgreSQL away, a deadlock): the caller answers 5xx and the provider retries. Refused for good: kept
      // in the quarantine, so that one odd message never makes a provider retry (and block) a channel for hours.
      if (!isPermanentStorageFailure(error) || !quarantine) throw error;
      await this.quarantine.record(inbound, 'refused', error);
      return { inboxEntryId: null, duplicate: false, quarantined: true };
    }
    // The pushes are not awaited, on purpose: the message is safe in PostgreSQL, and a slow Redis must not delay the
    // acknowledgement (nor a webhook's answer, which the provider would retry).
    if (outcome === null) {
      void this.showAgainToAgent(message.channel, message.channelMessageId);
      return { inboxEntryId: null, duplicate: true };
    }
    if (outcome.storedAtOnce) void this.showToAgent(outcome.inboxEntryId, outcome.storedAtOnce);
    return { inboxEntryId: outcome.inboxEntryId, duplicate: false };
  }

  /** What a failure of `accept` means for good (`empty`, `refused`), or null when it is transient. */
  failedForGood(error: unknown): 'empty' | 'refused' | null {
    if (error instanceof EmptyMessageError) return 'empty';
    return isPermanentStorageFailure(error) ? 'refused' : null;
  }

  /**
   * A message sent again (a widget resending what it saw no acknowledgement for, a webhook retried) is pushed again to
   * the gendarme holding its conversation, as the worker does for a redelivered job: a process that died between
   * storing it and pushing it leaves no gap in the desk, which ignores a message id it already shows. Never throws.
   */
  private async showAgainToAgent(channel: string, channelMessageId: string): Promise<void> {
    try {
      const { rows } = await runPrepared<{ message: Record<string, unknown>; assignee_id: string }>(this.dataSource, STORED_IN_ASSIGNED, [
        channel,
        channelMessageId,
      ]);
      if (rows[0]) {
        await this.realtime.toAgent(rows[0].assignee_id, 'message:new', toDeskMessage(hydrateEntity(this.dataSource, Message, rows[0].message)));
      }
    } catch (error) {
      this.logger.warn({ err: error, channel }, 'duplicate message not pushed again to the desk');
    }
  }

  /**
   * What the ingestion worker does for a message it stores in an assigned conversation, done here. Never throws. A
   * process dying between the commit and this push leaves the message stored and unseen live until the desk reloads
   * the conversation (a reconnect does) or the citizen sends it again (see showAgainToAgent).
   */
  private async showToAgent(inboxEntryId: string, { message: row, assigneeId }: StoredAtOnce): Promise<void> {
    const message = hydrateEntity(this.dataSource, Message, row);
    platformMetrics.messages.inc({ channel: message.channel, direction: 'inbound' });
    // Ids only: citizen text never goes to the logs.
    this.logger.log(
      { inboxEntryId, messageId: message.id, conversationId: message.conversationId, channel: message.channel, status: 'assigned' },
      'inbound message stored',
    );
    try {
      await this.realtime.toAgent(assigneeId, 'message:new', toDeskMessage(message));
    } catch (error) {
      // Stored is what counts: the desk shows the conversation's messages whenever it (re)loads it.
      this.logger.warn({ err: error, messageId: message.id }, 'stored message not pushed to the desk');
    }
  }

  /** One job per stored entry, added together for a batch (one Redis round trip). */
  private wakeIngestion(entries: StoredEntry[]): void {
    // Not awaited on purpose: the messages are already safe in PostgreSQL, and a Redis hiccup must not delay the
    // acknowledgement; the relay enqueues whatever this misses.
    this.jobs
      .addBulk(
        QueueName.Inbound,
        entries.map(({ inboxEntryId, payload }) => ({
          data: { inboxEntryId, ...(payload.correlationId ? { correlationId: payload.correlationId } : {}) },
          options: { jobId: inboundJobId(inboxEntryId) },
        })),
      )
      .catch((error: unknown) =>
        this.logger.warn({ err: error, inboxEntryIds: entries.map((entry) => entry.inboxEntryId) }, 'inbound enqueue failed; the relay will retry'),
      );
  }
}

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

export interface IntakeReceipt {
  inboxEntryId: string | null;
  duplicate: boolean;
}

/**
 * PostgreSQL text and jsonb cannot hold NUL, and other C0 controls have no business in a chat message:
 * they are dropped, keeping tabs and line breaks. Everything else (emoji, accents, right-to-left text) is kept as sent.
 */
export function withoutControlCharacters(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '');
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
  ) {
    this.inbox = new InboxWriter(dataSource, INBOX_WRITES_IN_FLIGHT, INBOX_BATCH_MAX, (entries) => this.wakeIngestion(entries));
  }

  async accept(inbound: NormalisedInboundMessage): Promise<IntakeReceipt> {
    // The correlation id is kept with the entry, so that a job the relay re-sends still carries it.
    const message = { ...inbound, text: withoutControlCharacters(inbound.text), correlationId: correlation.current() };
    // This statement is the whole cost of accepting a message, paid on every one: grouped with the messages arriving
    // while earlier ones are written (see InboxWriter). Danger wording always goes through the worker and triage.
    const outcome = await this.inbox.write(message, triageIgnoresOnceAssigned(message.text));
    // The pushes are not awaited, on purpose: the message is safe in PostgreSQL, and a slow Redis must not delay the
    // acknowledgement (nor a webhook's answer, which the provider would retry).
    if (outcome === null) {
      void this.showAgainToAgent(message.channel, message.channelMessageId);
      return { inboxEntryId: null, duplicate: true };
    }
    if (outcome.storedAtOnce) void this.showToAgent(outcome.inboxEntryId, outcome.storedAtOnce);
    return { inboxEntryId: outcome.inboxEntryId, duplicate: false };
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

import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { NormalisedInboundMessage } from '@brigade/channels';
import { preparedStatement, runPrepared } from '@brigade/database';
import { JobProducer, QueueName, correlation } from '@brigade/queue';

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

const INSERT_INBOX_ENTRY = preparedStatement(
  'insert-inbox-entry',
  `INSERT INTO inbox_entries (channel, channel_message_id, payload) VALUES ($1, $2, $3)
   ON CONFLICT (channel, channel_message_id) DO NOTHING RETURNING id`,
);

export const inboundJobId = (inboxEntryId: string): string => `inbox-${inboxEntryId}`;

/**
 * The front door of every channel. The message is written to the inbox (one INSERT) before the caller
 * acknowledges it; the queue is only a wake-up call, and the relay re-sends it when Redis lost it.
 */
@Injectable()
export class IntakeService {
  private readonly logger = new Logger(IntakeService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobProducer,
  ) {}

  async accept(inbound: NormalisedInboundMessage): Promise<IntakeReceipt> {
    // The correlation id is kept with the entry, so that a job the relay re-sends still carries it.
    const message = { ...inbound, text: withoutControlCharacters(inbound.text), correlationId: correlation.current() };
    // Raw SQL on purpose: this INSERT is the whole cost of accepting a message, paid on every one.
    const {
      rows: [row],
    } = await runPrepared<{ id: string }>(this.dataSource, INSERT_INBOX_ENTRY, [message.channel, message.channelMessageId, message]);
    if (!row) return { inboxEntryId: null, duplicate: true };
    const inboxEntryId = String(row.id);
    // Not awaited on purpose: the message is already safe in PostgreSQL, and a Redis hiccup must not
    // delay the acknowledgement; the relay enqueues whatever this misses.
    this.jobs
      .add(QueueName.Inbound, { inboxEntryId }, { jobId: inboundJobId(inboxEntryId) })
      .catch((error: unknown) => this.logger.warn({ err: error, inboxEntryId }, 'inbound enqueue failed; the relay will retry'));
    return { inboxEntryId, duplicate: false };
  }
}

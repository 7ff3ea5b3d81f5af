import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { NormalisedInboundMessage } from '@brigade/channels';
import { JobProducer, QueueName } from '@brigade/queue';
import { InboxEntry } from './inbox-entry.entity';

export interface IntakeReceipt {
  inboxEntryId: string | null;
  duplicate: boolean;
}

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

  async accept(message: NormalisedInboundMessage): Promise<IntakeReceipt> {
    const result = await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(InboxEntry)
      .values({ channel: message.channel, channelMessageId: message.channelMessageId, payload: message as never })
      .orIgnore()
      .returning('id')
      .execute();
    const row = (result.raw as { id: string }[])[0];
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

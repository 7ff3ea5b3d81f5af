import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { JobProducer, QueueName } from '@brigade/queue';
import { inboundJobId } from './intake.service';

export const outboundJobId = (messageId: string): string => `out-${messageId}`;

/**
 * Redis keeps nothing on disk: after a restart the queues are empty while PostgreSQL still holds
 * unprocessed inbox entries and undelivered replies. The relay puts them back; deterministic job ids make
 * it a no-op for work that is still queued.
 */
@Injectable()
export class DeliveryRelay {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobProducer,
  ) {}

  /**
   * Both reads follow a partial index of what is pending (ix_inbox_entries_pending, ix_messages_outbound_queued) in
   * its own order: they cost what is pending, not the size of the history, on every relay pass of every worker.
   */
  async requeueStale(graceMs: number, batch = 1000): Promise<{ inbound: number; outbound: number }> {
    const inbound: { id: string; correlation_id: string | null }[] = await this.dataSource.query(
      `SELECT id, payload->>'correlationId' AS correlation_id FROM inbox_entries WHERE processed_at IS NULL AND received_at < now() - ($1::int * interval '1 millisecond')
        ORDER BY received_at LIMIT $2`,
      [graceMs, batch],
    );
    const outbound: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM messages WHERE direction = 'outbound' AND delivery_status = 'queued'
          AND created_at < now() - ($1::int * interval '1 millisecond')
        ORDER BY created_at LIMIT $2`,
      [graceMs, batch],
    );
    await this.jobs.addBulk(
      QueueName.Inbound,
      inbound.map((row) => ({
        data: { inboxEntryId: String(row.id), ...(row.correlation_id ? { correlationId: row.correlation_id } : {}) },
        options: { jobId: inboundJobId(String(row.id)) },
      })),
    );
    await this.jobs.addBulk(
      QueueName.Outbound,
      outbound.map((row) => ({ data: { messageId: row.id }, options: { jobId: outboundJobId(row.id) } })),
    );
    return { inbound: inbound.length, outbound: outbound.length };
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { QueueChangeSignal } from '@brigade/queue';
import { QueueDefinition } from './queue-definition.entity';

/** Upper bound on how stale a copy may be if a change signal was lost (Redis down while an admin edited). */
export const QUEUE_CATALOG_TTL_MS = 30_000;

/**
 * The queues table as read on every citizen message (the triage menu): one query per process every
 * QUEUE_CATALOG_TTL_MS at most, and dropped as soon as any process changes a queue (QueueChangeSignal).
 */
@Injectable()
export class QueueCatalog {
  private cached: { readAt: number; queues: Promise<QueueDefinition[]> } | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    signal: QueueChangeSignal,
  ) {
    signal.onChange(() => this.invalidate());
  }

  /** Every queue, active or not, in triage order (position, then key). */
  all(): Promise<QueueDefinition[]> {
    const now = Date.now();
    if (this.cached && now - this.cached.readAt < QUEUE_CATALOG_TTL_MS) return this.cached.queues;
    const entry = {
      readAt: now,
      queues: this.dataSource
        .getRepository(QueueDefinition)
        .createQueryBuilder('q')
        .orderBy('q.triagePosition', 'ASC', 'NULLS LAST')
        .addOrderBy('q.key', 'ASC')
        .getMany(),
    };
    this.cached = entry;
    // A failed read is not kept: the next message tries again.
    entry.queues.catch(() => {
      if (this.cached === entry) this.cached = null;
    });
    return entry.queues;
  }

  invalidate(): void {
    this.cached = null;
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { JobProducer, QueueName } from '@brigade/queue';
import { platformMetrics } from './platform-metrics';

const COUNTED_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed'] as const;

/** Reads queue depths and waiting ages when Prometheus scrapes, rather than tracking them on every job. */
@Injectable()
export class QueueMetricsCollector {
  constructor(
    private readonly jobs: JobProducer,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async collect(): Promise<void> {
    const now = Date.now();
    await Promise.all([
      ...Object.values(QueueName).map(async (name) => {
        const queue = this.jobs.queue(name);
        const counts = await queue.getJobCounts(...COUNTED_STATES);
        for (const state of COUNTED_STATES) platformMetrics.queueJobs.set({ queue: name, state }, counts[state] ?? 0);
        const [oldest] = await queue.getJobs(['wait'], 0, 0, true);
        platformMetrics.queueOldestWaitingSeconds.set({ queue: name }, oldest ? Math.max(0, now - oldest.timestamp) / 1000 : 0);
      }),
      this.collectWaitingConversations(),
    ]);
  }

  private async collectWaitingConversations(): Promise<void> {
    const [row] = (await this.dataSource.query(
      `SELECT count(*)::int AS waiting, COALESCE(EXTRACT(EPOCH FROM now() - min(waiting_since)), 0)::float AS oldest
         FROM conversations WHERE status = 'waiting'`,
    )) as { waiting: number; oldest: number }[];
    platformMetrics.conversationsWaiting.set(row?.waiting ?? 0);
    platformMetrics.conversationsOldestWaitingSeconds.set(row?.oldest ?? 0);
  }
}

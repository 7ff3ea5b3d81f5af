import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { JobPayloads, QueueName, WORKER_OPTIONS, withJobCorrelation } from '@brigade/queue';
import { AssignmentNotifier, QueueDrainer, ReroutingService } from '@brigade/routing';

/** Triggers that call for a re-routing sweep before serving the queue (not just a drain). */
export const SWEEP_REASONS = new Set(['presence-grace', 'presence-offline']);

/**
 * Routing triggers from the API (agent available, capacity freed, reinforcement) serve the waiting queue;
 * a presence grace period ending runs the re-routing sweep.
 */
@Processor(QueueName.Routing, WORKER_OPTIONS)
export class RoutingProcessor extends WorkerHost {
  constructor(
    private readonly drainer: QueueDrainer,
    private readonly rerouting: ReroutingService,
    private readonly notifier: AssignmentNotifier,
  ) {
    super();
  }

  process(job: Job<JobPayloads[QueueName.Routing]>): Promise<void> {
    return withJobCorrelation(job, () => this.handle(job));
  }

  private async handle(job: Job<JobPayloads[QueueName.Routing]>): Promise<void> {
    if (SWEEP_REASONS.has(job.data.reason)) {
      await this.notifier.notifyChange(await this.rerouting.sweep(job.data.reason));
      return;
    }
    await this.drainer.serve({ reason: job.data.reason });
  }
}

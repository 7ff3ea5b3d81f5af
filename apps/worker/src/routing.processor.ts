import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { JobPayloads, QueueName } from '@brigade/queue';
import { AssignmentNotifier, RoutingService } from '@brigade/routing';

/** Routing triggers from the API (agent available, capacity freed) serve the waiting queue. */
@Processor(QueueName.Routing)
export class RoutingProcessor extends WorkerHost {
  constructor(
    private readonly routing: RoutingService,
    private readonly notifier: AssignmentNotifier,
  ) {
    super();
  }

  async process(job: Job<JobPayloads[QueueName.Routing]>): Promise<void> {
    const result = await this.routing.drainQueue(job.data.reason);
    await this.notifier.notify(result.assignments, job.data.reason);
  }
}

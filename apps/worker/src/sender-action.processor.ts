import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { SenderActionsService } from '@brigade/channels';
import { JobPayloads, QueueName, WORKER_OPTIONS, withJobCorrelation } from '@brigade/queue';

/** Sends the desk's typing and seen notices to Messenger; a lost one costs nothing, so failures are only logged. */
@Processor(QueueName.SenderActions, { ...WORKER_OPTIONS, concurrency: 8 })
export class SenderActionProcessor extends WorkerHost {
  private readonly logger = new Logger(SenderActionProcessor.name);

  constructor(private readonly senderActions: SenderActionsService) {
    super();
  }

  process(job: Job<JobPayloads[QueueName.SenderActions]>): Promise<string> {
    return withJobCorrelation(job, () => this.handle(job));
  }

  private async handle(job: Job<JobPayloads[QueueName.SenderActions]>): Promise<string> {
    try {
      return await this.senderActions.deliver(job.data);
    } catch (error) {
      // The error itself is logged once, with the job, by withJobCorrelation.
      this.logger.debug({ conversationId: job.data.conversationId, action: job.data.action }, 'sender action failed');
      throw error;
    }
  }
}

import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { JobPayloads, QueueName, WORKER_OPTIONS, withJobCorrelation } from '@brigade/queue';
import { ReportDeliveryError, ReportDeliveryService } from '@brigade/unit-reports';

/** Delivers reports to their units; transient failures back off exponentially, the last one lands in the dead letter list. */
@Processor(QueueName.ReportDeliveries, WORKER_OPTIONS)
export class ReportDeliveryProcessor extends WorkerHost {
  private readonly logger = new Logger(ReportDeliveryProcessor.name);

  constructor(private readonly deliveries: ReportDeliveryService) {
    super();
  }

  process(job: Job<JobPayloads[QueueName.ReportDeliveries]>): Promise<void> {
    return withJobCorrelation(job, async () => {
      const attempt = job.attemptsMade + 1;
      try {
        const outcome = await this.deliveries.deliver(job.data.deliveryId, attempt >= (job.opts.attempts ?? 1));
        this.logger.log({ deliveryId: job.data.deliveryId, outcome, attempt }, 'report delivery');
      } catch (error) {
        // The error itself is logged once, with the job, by withJobCorrelation.
        this.logger.warn({ deliveryId: job.data.deliveryId, attempt }, 'report delivery failed');
        if (error instanceof ReportDeliveryError && error.permanent) throw new UnrecoverableError(error.message);
        throw error;
      }
    });
  }
}

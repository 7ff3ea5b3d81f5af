import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnModuleInit } from '@nestjs/common';
import { DelayedError, Job, UnrecoverableError } from 'bullmq';
import { DeliverReplyUseCase, PermanentDeliveryError, TransientDeliveryError } from '@brigade/channels';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { platformMetrics } from '@brigade/metrics';
import { JobPayloads, QueueName, WORKER_OPTIONS, withJobCorrelation } from '@brigade/queue';

/**
 * Sends agent replies. Permanent refusals are not retried; a provider that says when to come back (rate limits)
 * gets the job parked until then; other transient failures back off exponentially (job defaults).
 */
@Processor(QueueName.Outbound, WORKER_OPTIONS)
export class OutboundMessageProcessor extends WorkerHost implements OnModuleInit {
  private readonly logger = new Logger(OutboundMessageProcessor.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly deliver: DeliverReplyUseCase,
  ) {
    super();
  }

  onModuleInit(): void {
    this.worker.concurrency = this.config.workers.outboundConcurrency;
  }

  process(job: Job<JobPayloads[QueueName.Outbound]>, token?: string): Promise<void> {
    return withJobCorrelation(job, () => this.handle(job, token));
  }

  private async handle(job: Job<JobPayloads[QueueName.Outbound]>, token?: string): Promise<void> {
    try {
      const outcome = await this.deliver.execute(job.data.messageId);
      this.logger.log({ messageId: job.data.messageId, outcome, attempt: job.attemptsMade + 1 }, 'outbound delivery');
    } catch (error) {
      platformMetrics.deliveryFailures.inc({ reason: error instanceof PermanentDeliveryError ? 'permanent' : 'transient' });
      if (error instanceof PermanentDeliveryError) throw new UnrecoverableError(error.message);
      if (error instanceof TransientDeliveryError && error.retryAfterMs !== undefined) {
        // Waiting out a rate limit is not a failed attempt: the attempt budget is kept in delivery_attempts.
        this.logger.warn({ messageId: job.data.messageId, retryAfterMs: error.retryAfterMs }, error.message);
        await job.moveToDelayed(Date.now() + error.retryAfterMs, token);
        throw new DelayedError();
      }
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (lastAttempt) {
        const reason = error instanceof TransientDeliveryError ? error.message : 'delivery failed after retries';
        await this.deliver.markFailedById(job.data.messageId, reason);
      }
      // The error itself is logged once, with the job, by withJobCorrelation.
      this.logger.warn({ messageId: job.data.messageId, attempt: job.attemptsMade + 1 }, 'delivery failed');
      throw error;
    }
  }
}

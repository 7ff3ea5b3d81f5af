import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnModuleInit } from '@nestjs/common';
import { Job } from 'bullmq';
import { AttachmentsService } from '@brigade/attachments';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { toDeskMessage } from '@brigade/conversations';
import { IngestMessageUseCase } from '@brigade/intake';
import { platformMetrics, timeStage } from '@brigade/metrics';
import { JobPayloads, QueueName, WORKER_OPTIONS, withJobCorrelation } from '@brigade/queue';
import { RealtimePublisher } from '@brigade/realtime';
import { AssignmentNotifier, QueueDrainer } from '@brigade/routing';
import { TriageService } from '@brigade/triage';

/** Stores each inbound message, acknowledges a new conversation, then routes it or tells the assigned agent. */
@Processor(QueueName.Inbound, WORKER_OPTIONS)
export class InboundMessageProcessor extends WorkerHost implements OnModuleInit {
  private readonly logger = new Logger(InboundMessageProcessor.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly ingest: IngestMessageUseCase,
    private readonly drainer: QueueDrainer,
    private readonly notifier: AssignmentNotifier,
    private readonly realtime: RealtimePublisher,
    private readonly triage: TriageService,
    private readonly attachments: AttachmentsService,
  ) {
    super();
  }

  onModuleInit(): void {
    this.worker.concurrency = this.config.workers.ingestConcurrency;
  }

  process(job: Job<JobPayloads[QueueName.Inbound]>): Promise<void> {
    return withJobCorrelation(job, () => this.handle(job.data.inboxEntryId));
  }

  private async handle(inboxEntryId: string): Promise<void> {
    const outcome = await timeStage('intake', () => this.ingest.execute(inboxEntryId));
    if (!outcome) return;
    const { conversation, message } = outcome;
    // Files: the web chat's uploads are linked to the message, Messenger's and X's links downloaded and stored (a
    // redelivered job does it again: linking and storing are idempotent).
    if (message.attachments.length > 0) {
      const files = await timeStage('attachments', () => this.attachments.afterIngest(message));
      message.attachments = files.attachments;
      // Assigned meanwhile by the routing timer: the desk replaces the message it shows (same id) with this one.
      if (files.changed && files.assigneeId) await this.realtime.toAgent(files.assigneeId, 'message:new', toDeskMessage(message));
    }
    if (outcome.stored) {
      platformMetrics.messages.inc({ channel: message.channel, direction: 'inbound' });
      // Ids only: citizen text never goes to the logs.
      this.logger.log(
        { inboxEntryId, messageId: message.id, conversationId: conversation.id, channel: message.channel, status: conversation.status },
        'inbound message stored',
      );
    }
    if (outcome.acknowledgement) {
      const acknowledgement = outcome.acknowledgement;
      await timeStage('acknowledgement', () => this.notifier.sendAcknowledgement(acknowledgement, outcome.citizenExternalId));
    }
    // Before routing: an emergency must enter the queue at emergency priority.
    await timeStage('triage', () => this.triage.afterIngest(outcome));
    if (conversation.status === 'waiting') {
      // Coalesced with the other messages of a burst: one drain serves them all, and one publication tells the
      // citizens it left waiting their place (see QueueDrainer).
      await this.drainer.serve({
        reason: outcome.conversationReopened ? 'reopened' : 'new-conversation',
        conversationId: conversation.id,
      });
      return;
    }
    // Pushed again on a redelivered job too: the desk ignores a message id it already shows.
    if (conversation.status === 'assigned' && conversation.assigneeId) {
      await this.realtime.toAgent(conversation.assigneeId, 'message:new', toDeskMessage(message));
    }
  }
}

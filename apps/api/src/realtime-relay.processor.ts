import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { JobPayloads, QueueName, WORKER_OPTIONS, withJobCorrelation } from '@brigade/queue';
import { QUEUE_WATCH_ROOM } from '@brigade/realtime';
import { DeskGateway } from './desk/desk.gateway';
import { QueueStatusBroadcaster } from './desk/queue-status-broadcaster';
import { WebchatGateway } from './webchat/webchat.gateway';

/**
 * Emits events published by other processes; the Redis Streams adapter carries them to every API process.
 * A `queue:status` job carries no figures: it asks for one fresh snapshot (see RealtimePublisher.queueChanged).
 */
@Processor(QueueName.Realtime, { ...WORKER_OPTIONS, concurrency: 64 })
export class RealtimeRelayProcessor extends WorkerHost {
  constructor(
    private readonly desk: DeskGateway,
    private readonly webchat: WebchatGateway,
    private readonly queueStatus: QueueStatusBroadcaster,
  ) {
    super();
  }

  process(job: Job<JobPayloads[QueueName.Realtime]>): Promise<void> {
    return withJobCorrelation(job, () => this.relay(job));
  }

  private async relay(job: Job<JobPayloads[QueueName.Realtime]>): Promise<void> {
    const { namespace, room, event, payload } = job.data;
    if (namespace === 'desk' && room === QUEUE_WATCH_ROOM && event === 'queue:status') {
      await this.queueStatus.broadcast();
      return;
    }
    const server = namespace === 'desk' ? this.desk.server : this.webchat.server;
    (server.to(room) as unknown as { emit: (event: string, payload: unknown) => void }).emit(event, payload);
  }
}

import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { JobPayloads, QueueName, WORKER_OPTIONS } from '@brigade/queue';
import { DeskGateway } from './desk/desk.gateway';
import { WebchatGateway } from './webchat/webchat.gateway';

/** Emits events published by other processes; the Redis Streams adapter carries them to every API process. */
@Processor(QueueName.Realtime, { ...WORKER_OPTIONS, concurrency: 64 })
export class RealtimeRelayProcessor extends WorkerHost {
  constructor(
    private readonly desk: DeskGateway,
    private readonly webchat: WebchatGateway,
  ) {
    super();
  }

  async process(job: Job<JobPayloads[QueueName.Realtime]>): Promise<void> {
    const { namespace, room, event, payload } = job.data;
    const server = namespace === 'desk' ? this.desk.server : this.webchat.server;
    (server.to(room) as unknown as { emit: (event: string, payload: unknown) => void }).emit(event, payload);
  }
}

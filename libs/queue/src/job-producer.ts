import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { JobsOptions, Queue } from 'bullmq';
import { correlation } from './correlation';
import { JOB_DEFAULTS, JOB_NAMES, JobPayloads, QueueName } from './queue-names';

/** The payload with the correlation id of the work that produced it, unless it names one already. */
function correlated<T extends object>(data: T): T {
  const correlationId = correlation.current();
  return correlationId && !('correlationId' in data) ? { ...data, correlationId } : data;
}

/** The only way the domain puts work on a queue: typed payloads, shared defaults, deterministic ids. */
@Injectable()
export class JobProducer {
  private readonly queues: { [Q in QueueName]: Queue };

  constructor(
    @InjectQueue(QueueName.Inbound) inbound: Queue,
    @InjectQueue(QueueName.Outbound) outbound: Queue,
    @InjectQueue(QueueName.Routing) routing: Queue,
    @InjectQueue(QueueName.Realtime) realtime: Queue,
    @InjectQueue(QueueName.SenderActions) senderActions: Queue,
    @InjectQueue(QueueName.ReportDeliveries) reportDeliveries: Queue,
  ) {
    this.queues = {
      [QueueName.Inbound]: inbound,
      [QueueName.Outbound]: outbound,
      [QueueName.Routing]: routing,
      [QueueName.Realtime]: realtime,
      [QueueName.SenderActions]: senderActions,
      [QueueName.ReportDeliveries]: reportDeliveries,
    };
  }

  async add<Q extends QueueName>(queue: Q, data: JobPayloads[Q], options: JobsOptions = {}): Promise<void> {
    await this.queues[queue].add(JOB_NAMES[queue], correlated(data), { ...JOB_DEFAULTS[queue], ...options });
  }

  async addBulk<Q extends QueueName>(queue: Q, jobs: { data: JobPayloads[Q]; options?: JobsOptions }[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.queues[queue].addBulk(
      jobs.map((job) => ({ name: JOB_NAMES[queue], data: correlated(job.data), opts: { ...JOB_DEFAULTS[queue], ...job.options } })),
    );
  }

  queue(queue: QueueName): Queue {
    return this.queues[queue];
  }
}

import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { BackgroundTimersService } from './background-timers.service';
import { InboundMessageProcessor } from './inbound-message.processor';
import { OutboundMessageProcessor } from './outbound-message.processor';
import { RoutingProcessor } from './routing.processor';
import { SenderActionProcessor } from './sender-action.processor';

/**
 * Graceful stop, first step: the queue workers stop taking jobs and the jobs in flight finish, as do the background
 * timers' runs, before any module closes its connections. Nest runs every `beforeApplicationShutdown` before any
 * `onApplicationShutdown`, where PostgreSQL and Redis connections close: without this step the order of modules would
 * decide whether a job in flight still has a database to finish with.
 */
@Injectable()
export class InFlightWorkDrain implements BeforeApplicationShutdown {
  private readonly logger = new Logger(InFlightWorkDrain.name);

  constructor(
    private readonly inbound: InboundMessageProcessor,
    private readonly outbound: OutboundMessageProcessor,
    private readonly routing: RoutingProcessor,
    private readonly senderActions: SenderActionProcessor,
    private readonly timers: BackgroundTimersService,
  ) {}

  async beforeApplicationShutdown(): Promise<void> {
    const started = Date.now();
    await Promise.all([
      // BullMQ's close waits for the active jobs; closing again later (in @nestjs/bullmq's own hook) is a no-op.
      ...[this.inbound, this.outbound, this.routing, this.senderActions].map((host) => host.worker.close()),
      this.timers.stop(),
    ]);
    this.logger.log({ ms: Date.now() - started }, 'in-flight jobs finished');
  }
}

import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { DeliveryRelay } from '@brigade/intake';
import { RealtimePublisher } from '@brigade/realtime';
import { AssignmentNotifier, ReroutingService } from '@brigade/routing';
import { SurgeService } from '@brigade/triage';

/**
 * Periodic safety nets: the relay re-enqueues what Redis lost, and the routing tick acts on what time alone
 * changes: a shift starting (serve the queue) or ending (hand over), a grace period or a no-reply delay running
 * out (re-route), a silent citizen (abandon); then it refreshes the citizens' queue positions. The surge watch
 * compares waits with each queue's surge threshold, ends reinforcements whose hours are over, proposes surge mode to
 * the supervisors (or applies it, by configuration).
 */
@Injectable()
export class BackgroundTimersService implements OnApplicationBootstrap {
  private readonly logger = new Logger(BackgroundTimersService.name);
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly relay: DeliveryRelay,
    private readonly rerouting: ReroutingService,
    private readonly notifier: AssignmentNotifier,
    private readonly realtime: RealtimePublisher,
    private readonly surge: SurgeService,
  ) {}

  onApplicationBootstrap(): void {
    this.every('relay', this.config.relay.intervalMs, async () => {
      const requeued = await this.relay.requeueStale(this.config.relay.graceMs);
      if (requeued.inbound || requeued.outbound) this.logger.log({ requeued }, 'relay re-enqueued pending work');
    });
    this.every('routing-tick', this.config.routing.tickMs, async () => {
      const change = await this.rerouting.sweep('tick');
      await this.notifier.notifyChange(change);
      // Assignments and removals refresh the supervisors' view through their desk events; abandonments do here.
      if (change.abandoned.length > 0) await this.realtime.queueChanged('abandoned');
      await this.notifier.publishQueueStatuses();
    });
    this.every('surge-watch', this.config.surge.checkIntervalMs, async () => {
      await this.surge.watch();
    });
  }

  /**
   * No new run starts; resolves once the runs in flight are over (their writes committed, their events sent).
   * Called by InFlightWorkDrain when the worker stops, before connections close.
   */
  async stop(): Promise<void> {
    this.timers.splice(0).forEach(clearInterval);
    await Promise.allSettled([...this.running.values()]);
  }

  private every(name: string, intervalMs: number, task: () => Promise<void>): void {
    const timer = setInterval(() => {
      if (this.running.has(name)) return;
      const run = task()
        .catch((error: unknown) => this.logger.warn({ err: error }, `${name} failed`))
        .finally(() => this.running.delete(name));
      this.running.set(name, run);
    }, intervalMs);
    timer.unref();
    this.timers.push(timer);
  }
}

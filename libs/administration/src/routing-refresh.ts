import { Injectable } from '@nestjs/common';
import { AssignmentNotifier, ReroutingService } from '@brigade/routing';
import { QueueChangeSignal } from '@brigade/queue';

/**
 * After an administrative change (capacity, skills, shifts, deactivation, queue settings): one re-routing sweep now,
 * so that conversations move at once instead of at the next tick, and the desks hear about it.
 */
@Injectable()
export class RoutingRefresh {
  constructor(
    private readonly rerouting: ReroutingService,
    private readonly notifier: AssignmentNotifier,
    private readonly queues: QueueChangeSignal,
  ) {}

  async afterChange(reason: string): Promise<void> {
    await this.notifier.notifyChange(await this.rerouting.sweep(reason));
  }

  /**
   * After a queue is created or edited: every process drops its copy of the queues (the next triage menu shows the
   * change), then the sweep applies a new required skill or a shorter no-reply delay to the conversations in it.
   */
  async afterQueueChange(): Promise<void> {
    await this.queues.publish();
    await this.afterChange('queue-changed');
  }
}

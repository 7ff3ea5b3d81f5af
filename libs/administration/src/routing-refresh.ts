import { Injectable } from '@nestjs/common';
import { AssignmentNotifier, ReroutingService } from '@brigade/routing';

/**
 * After an administrative change (capacity, skills, shifts, deactivation, queue settings): one re-routing sweep now,
 * so that conversations move at once instead of at the next tick, and the desks hear about it.
 */
@Injectable()
export class RoutingRefresh {
  constructor(
    private readonly rerouting: ReroutingService,
    private readonly notifier: AssignmentNotifier,
  ) {}

  async afterChange(reason: string): Promise<void> {
    await this.notifier.notifyChange(await this.rerouting.sweep(reason), reason);
  }
}

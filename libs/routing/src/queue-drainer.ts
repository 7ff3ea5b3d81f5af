import { Injectable } from '@nestjs/common';
import { AssignmentNotifier } from './assignment-notifier';
import { RoutingService } from './routing.service';

/**
 * Why the queue is being served, and for which conversation when a message triggered it: that conversation's citizen
 * is told their place once the drain is over, if it did not assign them.
 */
export interface DrainRequest {
  reason: string;
  conversationId?: string;
}

export interface DrainOutcome {
  /** The requesting conversation was assigned by the drain that served this request. */
  assigned: boolean;
  /** Conversations assigned by that drain, every request of the batch included. */
  assignedCount: number;
}

interface Batch {
  requests: DrainRequest[];
  settle: { resolve: (outcome: DrainOutcome) => void; reject: (error: unknown) => void }[];
}

/**
 * Serves the waiting queue on demand, one drain at a time per process, and coalesces the requests that arrive
 * while a drain runs into the next one.
 *
 * Why: every routing decision takes one global lock (nothing is assigned twice). A burst of new conversations (a
 * surge, or every citizen of a load test opening a chat) used to queue one transaction per message behind that
 * lock, each holding a database connection while it waited, and each deciding for one conversation. A drain reads
 * the whole head of the queue anyway, so one drain started after a request serves it and all its companions: a
 * request waits for at most the drain in progress plus its own, whatever the burst.
 *
 * A request is only answered by a drain that started after it was made, so a conversation stored before the
 * request is always considered. Assignments are notified once, by the drain that made them.
 *
 * The citizens of the batch left waiting are told their place by one publication after the drain, not one per
 * message: each publication reads the whole waiting queue (a position is a rank in it), so a burst of N arrivals
 * telling their places one by one read the queue N times, with N transactions, while the next arrivals waited behind.
 */
@Injectable()
export class QueueDrainer {
  private running = false;
  private next: Batch | null = null;

  constructor(
    private readonly routing: RoutingService,
    private readonly notifier: AssignmentNotifier,
  ) {}

  serve(request: DrainRequest): Promise<DrainOutcome> {
    const batch = (this.next ??= { requests: [], settle: [] });
    batch.requests.push(request);
    const outcome = new Promise<DrainOutcome>((resolve, reject) => batch.settle.push({ resolve, reject }));
    this.startNext();
    return outcome;
  }

  private startNext(): void {
    if (this.running || !this.next) return;
    const batch = this.next;
    this.next = null;
    this.running = true;
    void this.drain(batch);
  }

  private async drain(batch: Batch): Promise<void> {
    const reasons = new Map<string, string>();
    for (const request of batch.requests) {
      if (request.conversationId) reasons.set(request.conversationId, request.reason);
    }
    let result: Awaited<ReturnType<RoutingService['drainQueue']>>;
    try {
      result = await this.routing.drainQueue(batch.requests[0].reason, reasons);
    } catch (error) {
      // Every request of the batch fails with the drain: each caller's job is retried by its queue.
      batch.settle.forEach(({ reject }) => reject(error));
      return;
    } finally {
      // The next drain need not wait for these notifications: the decisions are written, the lock released.
      this.running = false;
      this.startNext();
    }
    try {
      // Each with its own reason: the desk shows why a conversation arrived (a reopened one is not a new one).
      if (result.assignments.length > 0) await this.notifier.notify(result.assignments);
      const assigned = new Set(result.assignments.map((assignment) => assignment.conversationId));
      const leftWaiting = [
        ...new Set(
          batch.requests.flatMap((request) =>
            request.conversationId !== undefined && !assigned.has(request.conversationId) ? [request.conversationId] : [],
          ),
        ),
      ];
      // After the assignments: a place counts the conversations still ahead, and those just assigned are not.
      if (leftWaiting.length > 0) await this.notifier.publishQueueStatuses(leftWaiting);
      batch.requests.forEach((request, index) =>
        batch.settle[index].resolve({
          assigned: request.conversationId !== undefined && assigned.has(request.conversationId),
          assignedCount: assigned.size,
        }),
      );
    } catch (error) {
      // The callers' jobs are retried; an assigned conversation's retried job tells its agent again.
      batch.settle.forEach(({ reject }) => reject(error));
    }
  }
}

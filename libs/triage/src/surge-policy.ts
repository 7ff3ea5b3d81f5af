/**
 * When to propose surge mode: a pure decision from the queue's figures, unit-tested without mocks. The service around
 * it (SurgeService) reads the figures, stores the state, applies and undoes.
 */

/** One watched queue (a surge wait threshold set by the administrators) and its waiting conversations now. */
export interface SurgeQueueFigures {
  queue: string;
  waiting: number;
  /** Seconds the oldest waiting conversation of the queue has waited; 0 when none waits. */
  longestWaitSeconds: number;
  /** The queue's surge wait threshold (queues.surge_wait_seconds). */
  thresholdSeconds: number;
}

export interface SurgeWatchInput {
  /** Watched queues only: a queue without a threshold is never a reason to propose. */
  queues: readonly SurgeQueueFigures[];
  /** Every waiting conversation, watched queue or not: the routing order serves them all. */
  totalWaiting: number;
  /** Conversations taken from the queue per second over the last half hour (0: none served). */
  serviceRatePerSecond: number;
  /** Agents on duty now (scheduled or put on duty, active, not taken off). */
  agentsOnDuty: number;
  /** Seats left among the agents who can take a conversation now. */
  freeSeats: number;
  /** Mean capacity of an agent, for the number of reinforcements that would absorb the queue. */
  averageCapacity: number;
  /** Reserve agents not on duty now: the reinforcements surge mode may call. */
  reserveAvailable: number;
  /** Surge mode is on. */
  surgeActive: boolean;
  /** The deployment applies surge mode without waiting for a supervisor (SURGE_AUTO_APPLY). */
  autoApply: boolean;
  /** Seconds since a supervisor last undid surge mode; null: never. */
  secondsSinceUndo: number | null;
}

/** Why surge mode is proposed: one watched queue past its threshold, by which measure. */
export interface SurgeTrigger {
  queue: string;
  /**
   * 'longest-wait': someone has waited past the threshold; 'estimated-wait': a citizen arriving now would (the
   * honest estimate: everyone waiting ahead, at the recent service rate); 'nobody-on-duty': citizens wait and no
   * gendarme is on duty at all, so no estimate exists.
   */
  measure: 'longest-wait' | 'estimated-wait' | 'nobody-on-duty';
  seconds: number;
  thresholdSeconds: number;
  waiting: number;
}

export type SurgeAdvice =
  /** Propose the surge settings; `apply`: apply them now, automatically. */
  | { kind: 'propose'; triggers: SurgeTrigger[]; reinforcements: number; apply: boolean }
  /** Surge mode is on and every watched queue is back well under its threshold: suggest undoing it. */
  | { kind: 'calm' }
  /** Surge mode is on and still needed, or off and not needed. */
  | { kind: 'none' };

/** Below this fraction of every threshold, with someone on duty, surge mode is no longer needed (no flapping). */
export const SURGE_CALM_FRACTION = 0.5;
/** After a supervisor undid surge mode, the automatic application waits this long: their decision stands. */
export const SURGE_UNDO_RESPECT_SECONDS = 30 * 60;

/** The estimated wait of a citizen arriving now, in seconds; null when nothing was served recently. */
export function estimatedWaitSeconds(totalWaiting: number, serviceRatePerSecond: number): number | null {
  if (serviceRatePerSecond <= 0) return null;
  return Math.round((totalWaiting + 1) / serviceRatePerSecond);
}

/** The queues past their threshold now, by the first measure that shows it (longest wait, estimate, nobody). */
export function surgeTriggers(input: SurgeWatchInput): SurgeTrigger[] {
  const estimate = estimatedWaitSeconds(input.totalWaiting, input.serviceRatePerSecond);
  const triggers: SurgeTrigger[] = [];
  for (const queue of input.queues) {
    if (queue.waiting <= 0 || queue.thresholdSeconds <= 0) continue;
    const base = { queue: queue.queue, thresholdSeconds: queue.thresholdSeconds, waiting: queue.waiting };
    if (queue.longestWaitSeconds >= queue.thresholdSeconds) {
      triggers.push({ ...base, measure: 'longest-wait', seconds: queue.longestWaitSeconds });
    } else if (input.agentsOnDuty === 0) {
      triggers.push({ ...base, measure: 'nobody-on-duty', seconds: queue.longestWaitSeconds });
    } else if (estimate !== null && estimate >= queue.thresholdSeconds) {
      triggers.push({ ...base, measure: 'estimated-wait', seconds: estimate });
    }
  }
  return triggers.sort((a, b) => b.seconds / b.thresholdSeconds - a.seconds / a.thresholdSeconds || (a.queue < b.queue ? -1 : 1));
}

/**
 * Reserve agents that would absorb the queue beyond the free seats, at least one when anything is proposed (a wait
 * past the threshold with free seats means the free ones lack the skill or language), never more than the reserve.
 */
export function reinforcementsNeeded(input: SurgeWatchInput): number {
  if (input.reserveAvailable <= 0) return 0;
  const shortfall = Math.max(0, input.totalWaiting - Math.max(0, input.freeSeats));
  const perAgent = Math.max(1, Math.round(input.averageCapacity));
  return Math.min(input.reserveAvailable, Math.max(1, Math.ceil(shortfall / perAgent)));
}

/** What the surge watch advises from the figures of one moment. */
export function adviseSurge(input: SurgeWatchInput): SurgeAdvice {
  const triggers = surgeTriggers(input);
  if (input.surgeActive) {
    if (triggers.length > 0 || input.agentsOnDuty === 0) return { kind: 'none' };
    const estimate = estimatedWaitSeconds(input.totalWaiting, input.serviceRatePerSecond);
    const calm = input.queues.every(
      (queue) =>
        queue.longestWaitSeconds < queue.thresholdSeconds * SURGE_CALM_FRACTION &&
        (queue.waiting === 0 || estimate === null || estimate < queue.thresholdSeconds * SURGE_CALM_FRACTION),
    );
    return calm ? { kind: 'calm' } : { kind: 'none' };
  }
  if (triggers.length === 0) return { kind: 'none' };
  const respectUndo = input.secondsSinceUndo !== null && input.secondsSinceUndo < SURGE_UNDO_RESPECT_SECONDS;
  return { kind: 'propose', triggers, reinforcements: reinforcementsNeeded(input), apply: input.autoApply && !respectUndo };
}

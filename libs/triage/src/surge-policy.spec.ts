import {
  SURGE_UNDO_RESPECT_SECONDS,
  SurgeWatchInput,
  adviseSurge,
  estimatedWaitSeconds,
  reinforcementsNeeded,
  surgeTriggers,
} from './surge-policy';

/** A calm desk: two watched queues, nobody waiting, four gendarmes on duty with room, two in reserve. */
const calm: SurgeWatchInput = {
  queues: [
    { queue: 'general', waiting: 0, longestWaitSeconds: 0, thresholdSeconds: 600 },
    { queue: 'violence', waiting: 0, longestWaitSeconds: 0, thresholdSeconds: 120 },
  ],
  totalWaiting: 0,
  serviceRatePerSecond: 0.05,
  agentsOnDuty: 4,
  freeSeats: 8,
  averageCapacity: 4,
  reserveAvailable: 2,
  surgeActive: false,
  autoApply: false,
  secondsSinceUndo: null,
};

const withQueue = (index: number, waiting: number, longestWaitSeconds: number, extra: Partial<SurgeWatchInput> = {}): SurgeWatchInput => ({
  ...calm,
  queues: calm.queues.map((queue, i) => (i === index ? { ...queue, waiting, longestWaitSeconds } : queue)),
  totalWaiting: waiting,
  ...extra,
});

describe('estimatedWaitSeconds', () => {
  it('is the newcomer position over the service rate, and null when nothing was served', () => {
    expect(estimatedWaitSeconds(9, 0.1)).toBe(100);
    expect(estimatedWaitSeconds(0, 0.5)).toBe(2);
    expect(estimatedWaitSeconds(10, 0)).toBeNull();
  });
});

describe('surgeTriggers', () => {
  it('names nothing while every wait is under its threshold', () => {
    expect(surgeTriggers(calm)).toEqual([]);
    expect(surgeTriggers(withQueue(0, 3, 599))).toEqual([]);
  });

  it('names a queue whose longest wait reached its own threshold, at the threshold itself', () => {
    expect(surgeTriggers(withQueue(1, 2, 120))).toEqual([
      { queue: 'violence', measure: 'longest-wait', seconds: 120, thresholdSeconds: 120, waiting: 2 },
    ]);
    expect(surgeTriggers(withQueue(1, 2, 119))).toEqual([]);
  });

  it('names a queue a citizen arriving now would wait past its threshold for, by the honest estimate', () => {
    // 59 waiting + the newcomer at 0.1 per second: 600 s, the general threshold.
    expect(surgeTriggers(withQueue(0, 59, 10, { serviceRatePerSecond: 0.1 }))).toEqual([
      { queue: 'general', measure: 'estimated-wait', seconds: 600, thresholdSeconds: 600, waiting: 59 },
    ]);
    expect(surgeTriggers(withQueue(0, 58, 10, { serviceRatePerSecond: 0.1 }))).toEqual([]);
  });

  it('makes no estimate when nothing was served recently: only the longest wait counts then', () => {
    expect(surgeTriggers(withQueue(0, 500, 10, { serviceRatePerSecond: 0 }))).toEqual([]);
  });

  it('names every queue with someone waiting when nobody is on duty at all', () => {
    expect(surgeTriggers(withQueue(0, 1, 5, { agentsOnDuty: 0, freeSeats: 0 }))).toEqual([
      { queue: 'general', measure: 'nobody-on-duty', seconds: 5, thresholdSeconds: 600, waiting: 1 },
    ]);
  });

  it('ignores a queue with nobody waiting, whatever the estimate, and a threshold of 0', () => {
    const input = { ...withQueue(0, 0, 0, { serviceRatePerSecond: 0.001, totalWaiting: 50 }) };
    expect(surgeTriggers(input)).toEqual([]);
    expect(surgeTriggers({ ...calm, queues: [{ queue: 'x', waiting: 5, longestWaitSeconds: 999, thresholdSeconds: 0 }] })).toEqual([]);
  });

  it('puts the queue furthest past its threshold first', () => {
    const input: SurgeWatchInput = {
      ...calm,
      queues: [
        { queue: 'general', waiting: 10, longestWaitSeconds: 900, thresholdSeconds: 600 },
        { queue: 'violence', waiting: 1, longestWaitSeconds: 360, thresholdSeconds: 120 },
      ],
      totalWaiting: 11,
    };
    expect(surgeTriggers(input).map((trigger) => trigger.queue)).toEqual(['violence', 'general']);
  });
});

describe('reinforcementsNeeded', () => {
  it('covers the waiting beyond the free seats with agents of average capacity, within the reserve', () => {
    expect(reinforcementsNeeded({ ...calm, totalWaiting: 20, freeSeats: 4, averageCapacity: 4, reserveAvailable: 10 })).toBe(4);
    expect(reinforcementsNeeded({ ...calm, totalWaiting: 21, freeSeats: 4, averageCapacity: 4, reserveAvailable: 10 })).toBe(5);
    expect(reinforcementsNeeded({ ...calm, totalWaiting: 200, freeSeats: 0, averageCapacity: 4, reserveAvailable: 3 })).toBe(3);
  });

  it('asks for one when seats are free (they lack the skill or language) and for none without a reserve', () => {
    expect(reinforcementsNeeded({ ...calm, totalWaiting: 2, freeSeats: 8 })).toBe(1);
    expect(reinforcementsNeeded({ ...calm, totalWaiting: 50, reserveAvailable: 0 })).toBe(0);
  });

  it('copes with an odd average capacity and negative free seats (emergency overflow)', () => {
    expect(reinforcementsNeeded({ ...calm, totalWaiting: 10, freeSeats: -2, averageCapacity: 0, reserveAvailable: 20 })).toBe(10);
  });
});

describe('adviseSurge', () => {
  it('advises nothing on a calm desk', () => {
    expect(adviseSurge(calm)).toEqual({ kind: 'none' });
  });

  it('proposes surge mode with the triggers and reinforcements, to a supervisor by default', () => {
    const advice = adviseSurge(withQueue(1, 12, 300, { freeSeats: 0 }));
    expect(advice).toEqual({
      kind: 'propose',
      triggers: [{ queue: 'violence', measure: 'longest-wait', seconds: 300, thresholdSeconds: 120, waiting: 12 }],
      reinforcements: 2,
      apply: false,
    });
  });

  it('applies automatically when the deployment says so', () => {
    expect(adviseSurge(withQueue(1, 1, 300, { autoApply: true }))).toMatchObject({ kind: 'propose', apply: true });
  });

  it('lets a supervisor undo stand for a while before applying automatically again', () => {
    const justUndone = withQueue(1, 1, 300, { autoApply: true, secondsSinceUndo: 60 });
    expect(adviseSurge(justUndone)).toMatchObject({ kind: 'propose', apply: false });
    const longAgo = { ...justUndone, secondsSinceUndo: SURGE_UNDO_RESPECT_SECONDS };
    expect(adviseSurge(longAgo)).toMatchObject({ kind: 'propose', apply: true });
  });

  it('proposes nothing more while surge mode is on and still needed', () => {
    expect(adviseSurge(withQueue(1, 12, 300, { surgeActive: true }))).toEqual({ kind: 'none' });
    expect(adviseSurge({ ...calm, surgeActive: true, agentsOnDuty: 0 })).toEqual({ kind: 'none' });
  });

  it('suggests undoing once every watched queue is under half its threshold', () => {
    expect(adviseSurge({ ...calm, surgeActive: true })).toEqual({ kind: 'calm' });
    expect(adviseSurge(withQueue(0, 3, 299, { surgeActive: true }))).toEqual({ kind: 'calm' });
  });

  it('does not suggest undoing between half the threshold and the threshold (no flapping)', () => {
    expect(adviseSurge(withQueue(0, 3, 300, { surgeActive: true }))).toEqual({ kind: 'none' });
    // Longest wait short, but the estimate for a newcomer is past half the violence threshold.
    expect(adviseSurge(withQueue(1, 6, 10, { surgeActive: true, serviceRatePerSecond: 0.1 }))).toEqual({ kind: 'none' });
  });

  it('decides the same way for every combination of measures (exhaustive over a grid)', () => {
    for (const longest of [0, 59, 60, 119, 120, 500]) {
      for (const waiting of [0, 1, 30]) {
        for (const rate of [0, 0.01, 1]) {
          for (const onDuty of [0, 3]) {
            for (const active of [false, true]) {
              const input = withQueue(1, waiting, waiting === 0 ? 0 : longest, {
                serviceRatePerSecond: rate,
                agentsOnDuty: onDuty,
                surgeActive: active,
              });
              const advice = adviseSurge(input);
              const estimate = estimatedWaitSeconds(waiting, rate);
              const past =
                waiting > 0 && (input.queues[1].longestWaitSeconds >= 120 || onDuty === 0 || (estimate !== null && estimate >= 120));
              if (!active) expect(advice.kind).toBe(past ? 'propose' : 'none');
              else if (past || onDuty === 0) expect(advice.kind).toBe('none');
              else expect(advice.kind).toBe(input.queues[1].longestWaitSeconds < 60 && (waiting === 0 || estimate === null || estimate < 60) ? 'calm' : 'none');
            }
          }
        }
      }
    }
  });
});

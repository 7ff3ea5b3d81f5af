import { significantChange } from './assignment-notifier';

const status = (queuePosition: number, estimatedWaitSeconds?: number) => ({
  conversationId: 'c',
  visitorId: 'v',
  queuePosition,
  ...(estimatedWaitSeconds !== undefined ? { estimatedWaitSeconds } : {}),
});

describe('which queue status changes are pushed to a waiting citizen', () => {
  it('pushes the first status and every move near the head of the queue', () => {
    expect(significantChange(undefined, status(400))).toBe(true);
    expect(significantChange(status(12), status(11))).toBe(true);
  });

  it('pushes a move far back only when it is a tenth of the position', () => {
    expect(significantChange(status(400), status(399))).toBe(false);
    expect(significantChange(status(400), status(360))).toBe(true);
  });

  it('pushes an estimate that appears, disappears or moves by half a minute', () => {
    expect(significantChange(status(400, 600), status(400, 620))).toBe(false);
    expect(significantChange(status(400, 600), status(400, 630))).toBe(true);
    expect(significantChange(status(400), status(400, 600))).toBe(true);
  });

  it('pushes nothing when nothing changed', () => {
    expect(significantChange(status(3, 60), status(3, 60))).toBe(false);
  });
});

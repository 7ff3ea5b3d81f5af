import {
  SocialQueueStatusInput,
  decideSocialQueueStatus,
  formatWaitFrench,
  significantForSocial,
  socialQueueStatusText,
} from './social-queue-status-policy';

const NOW = new Date('2026-03-10T12:00:00Z');
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);
const policy = { minIntervalMs: 5 * 60_000, waitChangeSeconds: 300 };

function input(overrides: Partial<SocialQueueStatusInput> = {}): SocialQueueStatusInput {
  return {
    now: NOW,
    channel: 'facebook',
    current: { queuePosition: 10, estimatedWaitSeconds: 1200 },
    told: { at: minutesAgo(10), queuePosition: 10, estimatedWaitSeconds: 1200 },
    citizenJustWrote: false,
    lastCitizenMessageAt: minutesAgo(10),
    ...overrides,
  };
}

describe('when a social-channel citizen is told their queue position', () => {
  it('tells the first status of a wait in answer to the citizen, never unprompted', () => {
    expect(decideSocialQueueStatus(input({ told: null, citizenJustWrote: true }), policy)).toEqual({ tell: true, kind: 'first' });
    expect(decideSocialQueueStatus(input({ told: null }), policy)).toEqual({ tell: false, why: 'not-prompted' });
  });

  it('tells the first status at once, however recent the previous wait', () => {
    expect(decideSocialQueueStatus(input({ told: null, citizenJustWrote: true, lastCitizenMessageAt: NOW }), policy).tell).toBe(true);
  });

  it('tells an update when the position halved, after the minimum interval', () => {
    expect(decideSocialQueueStatus(input({ current: { queuePosition: 5, estimatedWaitSeconds: 1100 } }), policy)).toEqual({
      tell: true,
      kind: 'update',
    });
  });

  it('holds back even a significant change within the minimum interval', () => {
    const told = { at: minutesAgo(4), queuePosition: 10, estimatedWaitSeconds: 1200 };
    expect(decideSocialQueueStatus(input({ told, current: { queuePosition: 1, estimatedWaitSeconds: 60 } }), policy)).toEqual({
      tell: false,
      why: 'too-soon',
    });
    expect(decideSocialQueueStatus(input({ told, citizenJustWrote: true, current: { queuePosition: 1 } }), policy).tell).toBe(false);
  });

  it('says nothing for a small move of the position or of the estimate', () => {
    expect(decideSocialQueueStatus(input({ current: { queuePosition: 6, estimatedWaitSeconds: 1000 } }), policy)).toEqual({
      tell: false,
      why: 'insignificant',
    });
    expect(decideSocialQueueStatus(input({ current: { queuePosition: 12, estimatedWaitSeconds: 1499 } }), policy).tell).toBe(false);
  });

  it('tells an estimate that moved by the configured change either way, or appeared, or went away', () => {
    expect(decideSocialQueueStatus(input({ current: { queuePosition: 9, estimatedWaitSeconds: 900 } }), policy).tell).toBe(true);
    expect(decideSocialQueueStatus(input({ current: { queuePosition: 11, estimatedWaitSeconds: 1500 } }), policy).tell).toBe(true);
    expect(decideSocialQueueStatus(input({ current: { queuePosition: 10 } }), policy).tell).toBe(true);
    const toldWithout = { at: minutesAgo(10), queuePosition: 10, estimatedWaitSeconds: null };
    expect(decideSocialQueueStatus(input({ told: toldWithout, current: { queuePosition: 10, estimatedWaitSeconds: 600 } }), policy).tell).toBe(
      true,
    );
    expect(decideSocialQueueStatus(input({ told: toldWithout, current: { queuePosition: 9 } }), policy).tell).toBe(false);
  });

  it('never writes to a Messenger citizen outside the 24-hour window (no HUMAN_AGENT tag for automatic messages)', () => {
    const late = { lastCitizenMessageAt: minutesAgo(24 * 60 + 1) };
    expect(decideSocialQueueStatus(input({ ...late, current: { queuePosition: 1 } }), policy)).toEqual({ tell: false, why: 'outside-window' });
    expect(decideSocialQueueStatus(input({ ...late, told: null, citizenJustWrote: true }), policy).tell).toBe(false);
    expect(decideSocialQueueStatus(input({ lastCitizenMessageAt: null, told: null, citizenJustWrote: true }), policy).tell).toBe(false);
  });

  it('has no window on X and Bot Framework', () => {
    for (const channel of ['x', 'botframework']) {
      const decision = decideSocialQueueStatus(
        input({ channel, lastCitizenMessageAt: minutesAgo(30 * 24 * 60), current: { queuePosition: 2, estimatedWaitSeconds: 60 } }),
        policy,
      );
      expect(decision.tell).toBe(true);
    }
  });

  it('calls the position from 2 to 1 significant, 1 to 1 not', () => {
    expect(significantForSocial({ queuePosition: 2, estimatedWaitSeconds: 120 }, { queuePosition: 1, estimatedWaitSeconds: 60 }, 300)).toBe(true);
    expect(significantForSocial({ queuePosition: 1, estimatedWaitSeconds: 60 }, { queuePosition: 1, estimatedWaitSeconds: 60 }, 300)).toBe(false);
  });
});

describe('the queue status text', () => {
  it('words the wait in plain French', () => {
    expect(formatWaitFrench(20)).toBe('moins d’une minute');
    expect(formatWaitFrench(60)).toBe('environ 1 minute');
    expect(formatWaitFrench(7 * 60 + 10)).toBe('environ 7 minutes');
    expect(formatWaitFrench(3600)).toBe('environ 1 h');
    expect(formatWaitFrench(75 * 60)).toBe('environ 1 h 15');
  });

  it('fills the configured texts, with or without an estimate', () => {
    const texts = { text: 'Position {position}, attente {wait}.', noEstimateText: 'Position {position}.' };
    expect(socialQueueStatusText(texts, { queuePosition: 3, estimatedWaitSeconds: 600 })).toBe('Position 3, attente environ 10 minutes.');
    expect(socialQueueStatusText(texts, { queuePosition: 3 })).toBe('Position 3.');
  });
});

describe('queue status in the citizen’s language', () => {
  const french = { text: 'Position {position}, attente {wait}.', noEstimateText: 'Position {position}.' };

  it.each([
    ['en', 'You are number 3 in the queue. Estimated wait: about 10 minutes.'],
    ['de', 'Sie sind an Position 3 in der Warteschlange. Geschätzte Wartezeit: etwa 10 Minuten.'],
    ['it', 'Lei è in posizione 3 nella coda. Attesa stimata: circa 10 minuti.'],
    ['es', 'Usted está en la posición 3 de la cola. Espera estimada: unos 10 minutos.'],
    ['fr', 'Position 3, attente environ 10 minutes.'],
  ])('tells the position and wait in %s', (language, expected) => {
    expect(socialQueueStatusText(french, { queuePosition: 3, estimatedWaitSeconds: 600 }, language)).toBe(expected);
  });

  it('falls back to the configured French texts for a language it does not know', () => {
    expect(socialQueueStatusText(french, { queuePosition: 2 }, 'pt')).toBe('Position 2.');
  });
});

/**
 * When a citizen of a social channel (Messenger, X, Bot Framework) is told their queue position and wait: those
 * channels get messages, not a live display, so each one must be worth a notification on the citizen's phone.
 */

/** Messenger's standard window: automatic messages never use the HUMAN_AGENT tag, so nothing is sent after it. */
export const AUTOMATIC_MESSAGE_WINDOW_HOURS: Readonly<Record<string, number>> = { facebook: 24 };

export interface SocialQueueStatusPolicy {
  /** At most one update per conversation in this time (the first status is not held back). */
  minIntervalMs: number;
  /** An estimate that moved by at least this much is worth an update. */
  waitChangeSeconds: number;
}

export interface SocialQueueFigures {
  queuePosition: number;
  /** Absent when nothing was served recently. */
  estimatedWaitSeconds?: number;
}

export interface SocialQueueStatusInput {
  now: Date;
  channel: string;
  current: SocialQueueFigures;
  /** What was told during this wait (null: nothing yet, or only during an earlier wait). */
  told: { at: Date; queuePosition: number; estimatedWaitSeconds: number | null } | null;
  /** The first status is only sent in answer to a citizen's message, never unprompted. */
  citizenJustWrote: boolean;
  lastCitizenMessageAt: Date | null;
}

export type SocialQueueStatusDecision =
  | { tell: true; kind: 'first' | 'update' }
  | { tell: false; why: 'outside-window' | 'not-prompted' | 'too-soon' | 'insignificant' };

export function decideSocialQueueStatus(input: SocialQueueStatusInput, policy: SocialQueueStatusPolicy): SocialQueueStatusDecision {
  const windowHours = AUTOMATIC_MESSAGE_WINDOW_HOURS[input.channel];
  if (windowHours !== undefined) {
    const since = input.lastCitizenMessageAt ? input.now.getTime() - input.lastCitizenMessageAt.getTime() : Infinity;
    if (since > windowHours * 3_600_000) return { tell: false, why: 'outside-window' };
  }
  if (!input.told) return input.citizenJustWrote ? { tell: true, kind: 'first' } : { tell: false, why: 'not-prompted' };
  if (input.now.getTime() - input.told.at.getTime() < policy.minIntervalMs) return { tell: false, why: 'too-soon' };
  return significantForSocial(input.told, input.current, policy.waitChangeSeconds)
    ? { tell: true, kind: 'update' }
    : { tell: false, why: 'insignificant' };
}

/** The position at most halved, an estimate that appeared or went away, or one that moved by waitChangeSeconds. */
export function significantForSocial(
  told: { queuePosition: number; estimatedWaitSeconds: number | null },
  current: SocialQueueFigures,
  waitChangeSeconds: number,
): boolean {
  if (current.queuePosition * 2 <= told.queuePosition) return true;
  const now = current.estimatedWaitSeconds ?? null;
  if ((told.estimatedWaitSeconds === null) !== (now === null)) return true;
  return now !== null && told.estimatedWaitSeconds !== null && Math.abs(now - told.estimatedWaitSeconds) >= waitChangeSeconds;
}

/** A wait in plain French: "moins d’une minute", "environ 7 minutes", "environ 1 h 15". */
export function formatWaitFrench(seconds: number): string {
  if (seconds < 60) return 'moins d’une minute';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `environ ${minutes} minute${minutes > 1 ? 's' : ''}`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `environ ${hours} h` : `environ ${hours} h ${String(rest).padStart(2, '0')}`;
}

/** The configured text with {position} and {wait} filled in. */
export function socialQueueStatusText(texts: { text: string; noEstimateText: string }, figures: SocialQueueFigures): string {
  const template = figures.estimatedWaitSeconds === undefined ? texts.noEstimateText : texts.text;
  return template
    .replaceAll('{position}', String(figures.queuePosition))
    .replaceAll('{wait}', figures.estimatedWaitSeconds === undefined ? '' : formatWaitFrench(figures.estimatedWaitSeconds));
}

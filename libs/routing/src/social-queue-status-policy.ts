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
  return formatWait(seconds, 'fr');
}

type WaitWords = { underMinute: string; about: (n: string) => string; minute: string; minutes: string; hour: string };

const WAIT_WORDS: Record<string, WaitWords> = {
  fr: { underMinute: 'moins d’une minute', about: (n) => `environ ${n}`, minute: 'minute', minutes: 'minutes', hour: 'h' },
  en: { underMinute: 'less than a minute', about: (n) => `about ${n}`, minute: 'minute', minutes: 'minutes', hour: 'h' },
  de: { underMinute: 'weniger als eine Minute', about: (n) => `etwa ${n}`, minute: 'Minute', minutes: 'Minuten', hour: 'Std.' },
  it: { underMinute: 'meno di un minuto', about: (n) => `circa ${n}`, minute: 'minuto', minutes: 'minuti', hour: 'h' },
  es: { underMinute: 'menos de un minuto', about: (n) => `unos ${n}`, minute: 'minuto', minutes: 'minutos', hour: 'h' },
};

/** A wait in plain words of the citizen's language (French for a language not listed). */
export function formatWait(seconds: number, language: string): string {
  const words = WAIT_WORDS[language] ?? WAIT_WORDS.fr;
  if (seconds < 60) return words.underMinute;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return words.about(`${minutes} ${minutes > 1 ? words.minutes : words.minute}`);
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return words.about(rest === 0 ? `${hours} ${words.hour}` : `${hours} ${words.hour} ${String(rest).padStart(2, '0')}`);
}

/** The queue-status texts in the languages other than French (the French ones are the deployment's settings). */
export const SOCIAL_QUEUE_STATUS_TEXTS: Record<string, { text: string; noEstimateText: string }> = {
  en: {
    text: 'You are number {position} in the queue. Estimated wait: {wait}.',
    noEstimateText: 'You are number {position} in the queue.',
  },
  de: {
    text: 'Sie sind an Position {position} in der Warteschlange. Geschätzte Wartezeit: {wait}.',
    noEstimateText: 'Sie sind an Position {position} in der Warteschlange.',
  },
  it: {
    text: 'Lei è in posizione {position} nella coda. Attesa stimata: {wait}.',
    noEstimateText: 'Lei è in posizione {position} nella coda.',
  },
  es: {
    text: 'Usted está en la posición {position} de la cola. Espera estimada: {wait}.',
    noEstimateText: 'Usted está en la posición {position} de la cola.',
  },
};

/**
 * The text with {position} and {wait} filled in, in the conversation's language: the configured French texts, or
 * the built-in ones of another language.
 */
export function socialQueueStatusText(
  frenchTexts: { text: string; noEstimateText: string },
  figures: SocialQueueFigures,
  language = 'fr',
): string {
  const texts = SOCIAL_QUEUE_STATUS_TEXTS[language] ?? frenchTexts;
  const template = figures.estimatedWaitSeconds === undefined ? texts.noEstimateText : texts.text;
  return template
    .replaceAll('{position}', String(figures.queuePosition))
    .replaceAll(
      '{wait}',
      figures.estimatedWaitSeconds === undefined ? '' : formatWait(figures.estimatedWaitSeconds, SOCIAL_QUEUE_STATUS_TEXTS[language] ? language : 'fr'),
    );
}

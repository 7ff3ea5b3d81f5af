// The languages a citizen is answered in, and how a conversation's language is found when the channel does not say.
type LanguageDetector = typeof import('tinyld/light');
let detector: LanguageDetector | undefined;

/** Loaded on first use: only a process that opens conversations (the worker) pays for the model's memory. */
function languageDetector(): LanguageDetector {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberately lazy, see above
  detector ??= require('tinyld/light') as LanguageDetector;
  return detector;
}

/** French first; the languages the Brigade numérique answers in. */
export const CITIZEN_LANGUAGES = ['fr', 'en', 'de', 'it', 'es'] as const;
export type CitizenLanguage = (typeof CITIZEN_LANGUAGES)[number];
export const DEFAULT_CITIZEN_LANGUAGE: CitizenLanguage = 'fr';

export function isCitizenLanguage(value: unknown): value is CitizenLanguage {
  return typeof value === 'string' && (CITIZEN_LANGUAGES as readonly string[]).includes(value);
}

/** A language tag as a channel or a browser gives it ("de-DE", "en_GB", "IT") when it is one we answer in, else null. */
export function declaredLanguage(tag: unknown): CitizenLanguage | null {
  if (typeof tag !== 'string') return null;
  const primary = tag.trim().split(/[-_]/)[0]?.toLowerCase();
  return isCitizenLanguage(primary) ? primary : null;
}

/** The language a stored value stands for; anything else is the default (French). */
export function citizenLanguageOf(value: unknown): CitizenLanguage {
  return declaredLanguage(value) ?? DEFAULT_CITIZEN_LANGUAGE;
}

/**
 * Below this the detector's best score says too little: a greeting, a number, "ok".
 * The threshold and the margin over French were set on short chat messages in the five languages; French being
 * the default, another language must clearly beat it ("slt jveu porter plainte" must stay French).
 */
const MIN_CONFIDENCE = 0.05;
const MARGIN_OVER_DEFAULT = 1.3;
const MIN_LETTERS = 4;

/**
 * The language of a citizen's message when the detector is confident, else null (keep what the conversation has).
 * Restricted to the languages we answer in, so that a close language never wins by default.
 */
export function detectCitizenLanguage(text: string): CitizenLanguage | null {
  if ((text.match(/\p{L}/gu) ?? []).length < MIN_LETTERS) return null;
  const scores = languageDetector().detectAll(text, { only: [...CITIZEN_LANGUAGES] });
  const best = scores[0];
  if (!best || !isCitizenLanguage(best.lang)) return null;
  if (best.lang === DEFAULT_CITIZEN_LANGUAGE) return best.lang;
  const defaultScore = scores.find((score) => score.lang === DEFAULT_CITIZEN_LANGUAGE)?.accuracy ?? 0;
  if (best.accuracy < MIN_CONFIDENCE || best.accuracy < MARGIN_OVER_DEFAULT * defaultScore) return null;
  return best.lang;
}

/** "4 min 05 s", "2 h 10 min", "3 j 4 h": compact durations for waits and windows. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
  return `${Math.floor(s / 86_400)} j ${Math.floor((s % 86_400) / 3600)} h`;
}

export function secondsSince(iso: string | null, now: number): number | null {
  return iso ? Math.max(0, (now - Date.parse(iso)) / 1000) : null;
}

/** The interface language's conventions, whatever the browser's own locale. */
export function localeOf(language: string): string {
  return language === 'en' ? 'en-GB' : 'fr-FR';
}

/**
 * "14:05" in the interface language; in `timeZone` when given (shift times are shown in the roster's zone on every
 * screen, so that supervision and planning agree whatever the browser's zone).
 */
export function clockTime(iso: string, language: string, timeZone?: string): string {
  return new Date(iso).toLocaleTimeString(localeOf(language), { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone });
}

/** "6 déc. 2026" / "6 Dec 2026". */
export function shortDate(iso: string, language: string, timeZone?: string): string {
  return new Date(iso).toLocaleDateString(localeOf(language), { day: 'numeric', month: 'short', year: 'numeric', timeZone });
}

/** "06/12/2026 14:05" in the interface language. */
export function dateTime(iso: string, language: string, timeZone?: string): string {
  return new Date(iso).toLocaleString(localeOf(language), {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone,
  });
}

/** Channel names; their icons are SVG (channel-icon.tsx), never emoji glyphs a workstation may lack. */
export const CHANNEL_LABELS: Record<string, string> = {
  webchat: 'Chat du site',
  facebook: 'Messenger',
  x: 'X',
  botframework: 'Bot Framework',
};

export function channelOf(channel: string): { label: string } {
  return { label: CHANNEL_LABELS[channel] ?? channel };
}

const DAY = 86_400_000;

export type ReplyWindow =
  | { kind: 'none' }
  | { kind: 'standard'; secondsLeft: number }
  | { kind: 'human-agent'; secondsLeft: number }
  | { kind: 'closed' };

/**
 * Messenger lets a page answer freely for 24 hours after the citizen's last message, then with the HUMAN_AGENT
 * tag up to 7 days; after that nothing can be sent. Other channels have no window.
 */
export function replyWindow(channel: string, lastCitizenMessageAt: string | null, now: number): ReplyWindow {
  if (channel !== 'facebook' || !lastCitizenMessageAt) return { kind: 'none' };
  const elapsed = now - Date.parse(lastCitizenMessageAt);
  if (elapsed < DAY) return { kind: 'standard', secondsLeft: (DAY - elapsed) / 1000 };
  if (elapsed < 7 * DAY) return { kind: 'human-agent', secondsLeft: (7 * DAY - elapsed) / 1000 };
  return { kind: 'closed' };
}

/** 32 hex characters; getRandomValues works on plain-HTTP intranets where randomUUID is unavailable. */
export function newClientMessageId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

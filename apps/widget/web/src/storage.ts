/**
 * Everything the widget keeps on the device: under one localStorage key the resumable token and two preferences,
 * and for the tab only whether the notices are folded. No message is ever stored here (the history comes from the
 * server), so the quick exit has little to remove.
 */
import { isLanguage, Language } from './i18n';

export const STORAGE_KEY = 'brigade-widget';
export const NOTICES_KEY = 'brigade-widget-notices';

export interface StoredSession {
  token?: string;
  language?: Language;
  /** The floating panel was open: it opens again after a reload. */
  open?: boolean;
}

export function readStored(): StoredSession {
  try {
    const raw = window.localStorage.getItem(STORAGE_KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    if (!parsed || typeof parsed !== 'object') return {};
    const value = parsed as Record<string, unknown>;
    return {
      token: typeof value.token === 'string' ? value.token : undefined,
      language: isLanguage(value.language) ? value.language : undefined,
      open: value.open === true,
    };
  } catch {
    // Storage can be disabled (private browsing, strict settings): the chat still works for this page.
    return {};
  }
}

export function writeStored(change: Partial<StoredSession>): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify({ ...readStored(), ...change }));
  } catch {
    // See readStored.
  }
}

/** Whether the citizen unfolded or folded the notices, for this tab's session only; undefined until they choose. */
export function readNoticesOpen(): boolean | undefined {
  try {
    const value = window.sessionStorage.getItem(NOTICES_KEY);
    return value === 'open' ? true : value === 'folded' ? false : undefined;
  } catch {
    return undefined;
  }
}

export function writeNoticesOpen(open: boolean): void {
  try {
    window.sessionStorage.setItem(NOTICES_KEY, open ? 'open' : 'folded');
  } catch {
    // See readStored.
  }
}

export function eraseStored(): void {
  try {
    window.localStorage.removeItem(STORAGE_KEY);
    window.sessionStorage.removeItem(STORAGE_KEY);
    window.sessionStorage.removeItem(NOTICES_KEY);
  } catch {
    // See readStored.
  }
}

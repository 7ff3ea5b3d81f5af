// Small pieces the administration pages share: feedback line, list splitting, Paris time, CSV download.
import { useState } from 'react';
import * as api from '../api';
import { dateTime } from '../format';

export function useFeedback() {
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  /** Runs an action and shows its outcome; a reload (quiet) keeps the message of the action before it. */
  async function run<T>(action: () => Promise<T>, okText?: string, quiet = false): Promise<T | undefined> {
    if (!quiet) setMessage(null);
    try {
      const result = await action();
      if (okText) setMessage({ kind: 'ok', text: okText });
      return result;
    } catch (caught) {
      setMessage({ kind: 'error', text: caught instanceof Error ? caught.message : String(caught) });
      return undefined;
    }
  }
  const view = message ? (
    <p role={message.kind === 'error' ? 'alert' : 'status'} className={message.kind === 'error' ? 'error' : 'help'} data-testid="admin-feedback">
      {message.text}
    </p>
  ) : null;
  return { run, view };
}

export const splitList = (value: string) =>
  value
    .split(/[,;]/)
    .map((item) => item.trim())
    .filter(Boolean);


/** Downloads a CSV route with the bearer token (a plain link would carry no token). */
export async function downloadCsv(path: string, fileName: string): Promise<void> {
  const text = await api.get<string>(path);
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  URL.revokeObjectURL(url);
}

export interface ImportReport {
  dryRun: boolean;
  rows: number;
  created: number;
  updated: number;
  errors: { line: number; field: string; message: string }[];
}

/** A date and time in the interface language (not the browser's locale). */
export function formatInstant(value: string | null | undefined, language: string): string {
  return value ? dateTime(value, language) : '—';
}

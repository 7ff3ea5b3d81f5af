// Queues by their names in the interface language: their keys ("violence", "general") are codes, never shown.
import { useCallback, useEffect, useState } from 'react';
import * as api from './api';
import type { DeskQueueView } from './contract';
import { useLanguage } from './i18n';

let cache: Promise<DeskQueueView[]> | null = null;
function queues(): Promise<DeskQueueView[]> {
  cache ??= api.get<DeskQueueView[]>('/api/desk/queues').catch((error: unknown) => {
    cache = null;
    throw error;
  });
  return cache;
}

/** Forgets the names read (after an administrator renamed or added a queue). */
export function forgetQueueNames(): void {
  cache = null;
}

/** The name of a queue in the interface language; a key stands in for a queue deactivated since. */
export function useQueueNames(): (key: string) => string {
  const language = useLanguage();
  // null until the names are read: a code is never shown while they load, only for a queue deactivated since.
  const [list, setList] = useState<DeskQueueView[] | null>(null);
  useEffect(() => {
    queues().then(setList, () => setList([]));
  }, []);
  return useCallback(
    (key: string) => {
      if (list === null) return '…';
      const queue = list.find((candidate) => candidate.key === key);
      return queue ? (language === 'en' ? queue.nameEn : queue.nameFr) : key;
    },
    [list, language],
  );
}

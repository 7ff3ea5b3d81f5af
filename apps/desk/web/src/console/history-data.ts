// The console's history (per-queue charts of the last 24 hours, agents' state timeline, today's service level): read
// over REST every minute, and again soon after the live queue status changes (at most every 15 s), so that a new
// arrival shows on the charts without a query per push.
import { useCallback, useEffect, useRef, useState } from 'react';
import * as api from '../api';
import type { AgentTimelinesView, HistoryView } from '../contract';
import type { DeskSocket } from '../socket';

const REFRESH_MS = 60_000;
const AFTER_PUSH_MIN_MS = 15_000;

function useLiveRead<T>(socket: DeskSocket, path: string): { data: T | null; error: string | null } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const lastRead = useRef(0);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const read = useCallback(() => {
    lastRead.current = Date.now();
    api.get<T>(path).then(
      (value) => {
        setData(value);
        setError(null);
      },
      (caught: Error) => setError(caught.message),
    );
  }, [path]);
  useEffect(() => {
    read();
    const timer = setInterval(read, REFRESH_MS);
    const onPush = () => {
      if (pending.current) return;
      const wait = Math.max(0, lastRead.current + AFTER_PUSH_MIN_MS - Date.now());
      pending.current = setTimeout(() => {
        pending.current = null;
        read();
      }, wait);
    };
    socket.on('queue:status', onPush);
    socket.on('resync', read);
    return () => {
      clearInterval(timer);
      if (pending.current) clearTimeout(pending.current);
      pending.current = null;
      socket.off('queue:status', onPush);
      socket.off('resync', read);
    };
  }, [socket, read]);
  return { data, error };
}

export function useQueueHistory(socket: DeskSocket, bucketMinutes: 15 | 60 = 60) {
  return useLiveRead<HistoryView>(socket, `/api/supervisor/history?bucketMinutes=${bucketMinutes}`);
}

export function useAgentTimeline(socket: DeskSocket, hours: number) {
  return useLiveRead<AgentTimelinesView>(socket, `/api/supervisor/agent-timeline?hours=${hours}`);
}

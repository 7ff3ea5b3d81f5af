// The wallboard: the console's live figures for a screen on the room's wall, readable from five metres, needing no
// interaction once shown (#/supervision/wallboard, or #/console/wallboard). Queue load and agents are pushed by the
// server (`queue:status`), surge mode by `surge:status`; today's service level is read every minute.
import { useCallback, useEffect, useRef, useState } from 'react';
import * as api from '../api';
import type { AgentLoadView, QueueLoadView, SurgeView } from '../contract';
import { clockTime, duration } from '../format';
import { fill, useLanguage } from '../i18n';
import { useInterface } from '../interface-settings';
import { useQueueNames } from '../queue-names';
import type { DeskSocket } from '../socket';
import { useHistoryT } from './history-i18n';
import { useQueueHistory } from './history-data';
import { holdQueueWatch } from './queue-watch';
import './wallboard.css';

export const WALLBOARD_HASHES = ['#/supervision/wallboard', '#/console/wallboard'];

/** Whether the page shows the wallboard (its address), kept in step with the address bar. */
export function useWallboardRoute(): boolean {
  const [hash, setHash] = useState(() => window.location.hash);
  useEffect(() => {
    const onChange = () => setHash(window.location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return WALLBOARD_HASHES.some((prefix) => hash.startsWith(prefix));
}

/** The console's link to the wallboard (a mount point of the console's header). */
export function WallboardLink() {
  const h = useHistoryT();
  return (
    <a className="wallboard-link" href={WALLBOARD_HASHES[0]} data-testid="open-wallboard">
      {h.openWallboard}
    </a>
  );
}

function useLive(socket: DeskSocket) {
  const [queue, setQueue] = useState<QueueLoadView | null>(null);
  const [agents, setAgents] = useState<AgentLoadView[] | null>(null);
  const [surge, setSurge] = useState<SurgeView | null>(null);
  const [connected, setConnected] = useState(socket.connected);
  const reload = useCallback(() => {
    Promise.all([
      api.get<QueueLoadView>('/api/supervisor/queue'),
      api.get<AgentLoadView[]>('/api/supervisor/agents'),
      api.get<SurgeView>('/api/supervisor/surge'),
    ]).then(
      ([nextQueue, nextAgents, nextSurge]) => {
        setQueue(nextQueue);
        setAgents(nextAgents);
        setSurge(nextSurge);
      },
      () => undefined,
    );
  }, []);
  useEffect(() => {
    // The watch is shared with the console (queue-watch.ts), asked again on every connection.
    const watch = () => {
      setConnected(true);
      reload();
    };
    const release = holdQueueWatch(socket);
    const lost = () => setConnected(false);
    const onStatus = (status: { queue: QueueLoadView; agents: AgentLoadView[] }) => {
      setQueue(status.queue);
      setAgents(status.agents);
    };
    socket.on('connect', watch);
    socket.on('disconnect', lost);
    socket.on('resync', reload);
    socket.on('queue:status', onStatus);
    socket.on('surge:status', setSurge);
    if (socket.connected) watch();
    else reload();
    return () => {
      socket.off('connect', watch);
      socket.off('disconnect', lost);
      socket.off('resync', reload);
      socket.off('queue:status', onStatus);
      socket.off('surge:status', setSurge);
      release();
    };
  }, [socket, reload]);
  return { queue, agents, surge, connected };
}

function useSecondTick(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

export function Wallboard({ socket }: { socket: DeskSocket }) {
  const h = useHistoryT();
  const language = useLanguage();
  const names = useQueueNames();
  const { rosterTimeZone } = useInterface();
  const { queue, agents, surge, connected } = useLive(socket);
  const history = useQueueHistory(socket);
  const now = useSecondTick();
  const board = useRef<HTMLDivElement>(null);
  const [fullScreen, setFullScreen] = useState(false);
  useEffect(() => {
    const previous = document.title;
    document.title = `${h.wallboardTitle} – Brigade`;
    const onChange = () => setFullScreen(document.fullscreenElement !== null);
    document.addEventListener('fullscreenchange', onChange);
    return () => {
      document.title = previous;
      document.removeEventListener('fullscreenchange', onChange);
    };
  }, [h]);

  // Waits tick between pushes: the server's figure plus the time since it was computed.
  const since = queue ? Math.max(0, (now - Date.parse(queue.at)) / 1000) : 0;
  const longest = queue && queue.waiting > 0 ? queue.longestWaitSeconds + since : 0;
  const onDuty = (agents ?? []).filter((agent) => agent.onDuty);
  const free = onDuty.filter((agent) => agent.load === 0).length;
  const busy = onDuty.length - free;
  const seats = onDuty.reduce((sum, agent) => sum + Math.max(0, agent.capacity - agent.load), 0);
  const breaches = queue ? queue.breaches.waiting + queue.breaches.unanswered : null;
  const all = history.data?.queues.find((one) => one.queue === '*');
  const percent = (value: number | null | undefined) =>
    value === null || value === undefined ? h.noData : `${Math.round(value * 100)}${language === 'fr' ? '\u202f' : ''}%`;
  const perQueue = new Map<string, { waiting: number; longest: number }>();
  for (const bucket of queue?.buckets ?? []) {
    const entry = perQueue.get(bucket.queue) ?? { waiting: 0, longest: 0 };
    entry.waiting += bucket.waiting;
    entry.longest = Math.max(entry.longest, bucket.longestWaitSeconds + since);
    perQueue.set(bucket.queue, entry);
  }
  const queueKeys = [
    ...new Set([...(queue?.breaches.byQueue ?? []).map((row) => row.queue), ...perQueue.keys()]),
  ].sort((a, b) => (perQueue.get(b)?.waiting ?? 0) - (perQueue.get(a)?.waiting ?? 0) || names(a).localeCompare(names(b)));
  const level = all?.today.serviceLevel ?? null;

  async function enterFullScreen() {
    try {
      await board.current?.requestFullscreen();
    } catch {
      // Refused (a kiosk policy, an iframe): the board already fills the window.
    }
  }

  return (
    <div className="wallboard" ref={board} data-testid="wallboard">
      <main id="main" tabIndex={-1} className="wallboard-main">
        <header className="wallboard-header">
          <h1>{h.wallboardTitle}</h1>
          <p className="wallboard-clock" data-testid="wallboard-clock">
            {clockTime(new Date(now).toISOString(), language, rosterTimeZone)}
          </p>
          <p className={`wallboard-updated ${connected ? '' : 'stale'}`} role="status" data-testid="wallboard-updated">
            {queue
              ? fill(connected ? h.updatedAt : h.connectionLost, { time: clockTime(queue.at, language, rosterTimeZone) })
              : h.noData}
          </p>
          <div className="wallboard-actions">
            {!fullScreen && document.fullscreenEnabled && (
              <button type="button" onClick={() => void enterFullScreen()} data-testid="wallboard-fullscreen">
                {h.fullScreen}
              </button>
            )}
            <a href="#/supervision" onClick={() => document.fullscreenElement && void document.exitFullscreen()}>
              {h.leaveWallboard}
            </a>
          </div>
        </header>
        <section className="wallboard-tiles" aria-label={h.wallboardTitle}>
          <Tile label={h.waitingNow} value={queue ? String(queue.waiting) : h.noData} testId="wall-waiting" />
          <Tile label={h.longestWait} value={queue ? duration(longest) : h.noData} testId="wall-longest" alarm={(breaches ?? 0) > 0} wide />
          <Tile
            label={h.serviceLevelToday}
            value={percent(level)}
            testId="wall-service-level"
            alarm={level !== null && level < 0.8}
          />
          <Tile
            label={h.agentsFree}
            value={agents ? String(free) : h.noData}
            detail={agents ? (seats === 1 ? h.seatLeft : fill(h.seatsLeft, { n: String(seats) })) : undefined}
            testId="wall-free"
          />
          <Tile label={h.agentsBusy} value={agents ? String(busy) : h.noData} testId="wall-busy" />
          <Tile label={h.breaches} value={breaches === null ? h.noData : String(breaches)} testId="wall-breaches" alarm={(breaches ?? 0) > 0} />
          <Tile
            label={h.surge}
            value={!surge ? h.noData : surge.active ? h.surgeOn : surge.proposal ? h.surgeProposed : h.surgeOff}
            testId="wall-surge"
            alarm={surge?.active ?? false}
          />
        </section>
        <section aria-labelledby="wall-queues-title" className="wallboard-queues">
          <h2 id="wall-queues-title">{h.perQueue}</h2>
          <table data-testid="wall-queues">
            <thead>
              <tr>
                <th scope="col">{h.queue}</th>
                <th scope="col">{h.waitingNow}</th>
                <th scope="col">{h.longestWait}</th>
                <th scope="col">{h.serviceLevelToday}</th>
                <th scope="col">{h.breaches}</th>
              </tr>
            </thead>
            <tbody>
              {queueKeys.map((key) => {
                const row = queue?.breaches.byQueue.find((candidate) => candidate.queue === key);
                const load = perQueue.get(key);
                const today = history.data?.queues.find((one) => one.queue === key)?.today.serviceLevel ?? null;
                const late = (row?.waiting ?? 0) + (row?.unanswered ?? 0);
                return (
                  <tr key={key} data-queue={key} className={late > 0 ? 'alarm' : undefined}>
                    <th scope="row">{names(key)}</th>
                    <td>{load?.waiting ?? 0}</td>
                    <td>{load ? duration(load.longest) : h.noData}</td>
                    <td>{percent(today)}</td>
                    <td>{late}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>
      </main>
    </div>
  );
}

function Tile({
  label,
  value,
  detail,
  testId,
  alarm = false,
  wide = false,
}: {
  label: string;
  value: string;
  detail?: string;
  testId: string;
  alarm?: boolean;
  wide?: boolean;
}) {
  return (
    <div className={`wallboard-tile${alarm ? ' alarm' : ''}${wide ? ' wide' : ''}`} data-testid={testId}>
      <span className="wallboard-label">{label}</span>
      <span className="wallboard-value" data-testid={`${testId}-value`}>
        {value}
      </span>
      {detail && <span className="wallboard-detail">{detail}</span>}
    </div>
  );
}

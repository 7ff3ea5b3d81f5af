// The supervisor console: live queue load and agents (pushed by the server as `queue:status`, fetched over REST on
// every (re)connection), the roster, the supervisor's actions, read-only access to any conversation, and reports
// with CSV export.
import { useCallback, useEffect, useState } from 'react';
import * as api from '../api';
import type {
  AgentLoadView,
  DeskAssignmentEvent,
  MeView,
  QueueLoadView,
  QueueStatusEvent,
  ReportView,
  RosterView,
} from '../contract';
import { channelOf, clockTime, duration, secondsSince } from '../format';
import { useInterface } from '../interface-settings';
import { useQueueNames } from '../queue-names';
import { ChannelIcon } from '../channel-icon';
import { fill, useLanguage, useT } from '../i18n';
import { MessageList } from '../desk/message-list';
import { PriorityBadge, useNow } from '../desk/desk-screen';
import type { DeskSocket } from '../socket';
import { addDays, useTimeZone, zonedLocal } from '../time-zone';
import { DistributionChart, HourlyChart } from './charts';
import { KnowledgeFigures } from './knowledge-figures';
import { SurgePanel } from './surge-panel';
import { QueueHistoryCharts } from './history-charts';
import { AgentTimeline } from './agent-timeline';
import { Wallboard, WallboardLink, useWallboardRoute } from './wallboard';
import { holdQueueWatch } from './queue-watch';

/** The roster is a schedule, not a live figure: read again now and then. */
const ROSTER_REFRESH_MS = 5 * 60_000;
/** Quarantined messages are rare and wait for an administrator: a count read every minute is soon enough. */
const QUARANTINE_REFRESH_MS = 60_000;

function usePolling<T>(path: string, intervalMs: number): { data: T | null; error: string | null; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(() => {
    api.get<T>(path).then(
      (value) => {
        setData(value);
        setError(null);
      },
      (caught: Error) => setError(caught.message),
    );
  }, [path]);
  useEffect(() => {
    reload();
    const timer = setInterval(reload, intervalMs);
    return () => clearInterval(timer);
  }, [reload, intervalMs]);
  return { data, error, reload };
}

/**
 * Queue load and agents kept live by the server: the console watches the queue (`queue:watch`), receives
 * `queue:status` when something changes (at most once a second, and every 15 s as a safety net), and fetches both
 * over REST on every (re)connection and `resync`. No polling.
 */
function useQueueStatus(socket: DeskSocket) {
  const [queue, setQueue] = useState<QueueLoadView | null>(null);
  const [agents, setAgents] = useState<AgentLoadView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(() => {
    Promise.all([api.get<QueueLoadView>('/api/supervisor/queue'), api.get<AgentLoadView[]>('/api/supervisor/agents')]).then(
      ([nextQueue, nextAgents]) => {
        setQueue(nextQueue);
        setAgents(nextAgents);
        setError(null);
      },
      (caught: Error) => setError(caught.message),
    );
  }, []);
  useEffect(() => {
    // The watch itself is shared with the wallboard (queue-watch.ts): asked again on every connection.
    const watch = () => reload();
    const release = holdQueueWatch(socket, setError);
    const onStatus = (status: QueueStatusEvent) => {
      setQueue(status.queue);
      setAgents(status.agents);
      setError(null);
    };
    socket.on('connect', watch);
    socket.on('resync', reload);
    socket.on('queue:status', onStatus);
    if (socket.connected) watch();
    else reload();
    return () => {
      socket.off('connect', watch);
      socket.off('resync', reload);
      socket.off('queue:status', onStatus);
      release();
    };
  }, [socket, reload]);
  return { queue, agents, error, reload };
}

export function ConsoleScreen({ socket, me }: { socket: DeskSocket; me: MeView }) {
  const t = useT();
  const [tab, setTab] = useState<'live' | 'reports'>('live');
  const wallboard = useWallboardRoute();
  useEffect(() => {
    document.title = `${t.supervisor} – Brigade`;
  }, [t]);
  if (wallboard) return <Wallboard socket={socket} />;
  return (
    <main id="main" className="console" tabIndex={-1}>
      <h1 className="sr-only">{t.supervisor}</h1>
      <div role="tablist" aria-label={t.supervisor} className="tabs">
        <button role="tab" type="button" aria-selected={tab === 'live'} onClick={() => setTab('live')}>
          {t.live}
        </button>
        <button role="tab" type="button" aria-selected={tab === 'reports'} onClick={() => setTab('reports')}>
          {t.reports}
        </button>
      </div>
      <WallboardLink />
      <QuarantineNotice canReplay={me.role === 'admin'} />
      {tab === 'live' ? (
        <LiveView socket={socket} />
      ) : (
        <>
          <ReportsView />
          <KnowledgeFigures />
        </>
      )}
    </main>
  );
}

/**
 * Inbound messages intake could not store (the administration's quarantine page lists and replays them): shown only
 * when there are some, apart from the live figures (one indexed count over REST, every minute). Administrators get
 * the link to the page; supervisors are told to call one.
 */
function QuarantineNotice({ canReplay }: { canReplay: boolean }) {
  const t = useT();
  const { data } = usePolling<{ open: number }>('/api/admin/quarantine/count', QUARANTINE_REFRESH_MS);
  if (!data || data.open === 0) return null;
  return (
    <p className="quarantine-notice" role="status" data-testid="quarantine-notice">
      <strong>{fill(data.open === 1 ? t.quarantinedOne : t.quarantinedMany, { n: String(data.open) })}</strong>{' '}
      {canReplay ? <a href="#/admin/quarantine">{t.quarantineOpen}</a> : t.quarantineAskAdmin}
    </p>
  );
}

function LiveView({ socket }: { socket: DeskSocket }) {
  const t = useT();
  const language = useLanguage();
  const now = useNow();
  const live = useQueueStatus(socket);
  const agents = { data: live.agents };
  const roster = usePolling<RosterView>('/api/supervisor/roster', ROSTER_REFRESH_MS);
  const [reading, setReading] = useState<DeskAssignmentEvent | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [moving, setMoving] = useState<string | null>(null);
  const queueNames = useQueueNames();
  const { rosterTimeZone } = useInterface();
  const q = live.queue;

  async function act(work: () => Promise<unknown>) {
    setActionError(null);
    try {
      await work();
      // The push follows within a second; the acting supervisor sees the result at once.
      live.reload();
    } catch (caught) {
      setActionError(caught instanceof Error ? caught.message : String(caught));
    }
  }

  return (
    <>
      {(live.error || actionError) && (
        <p role="alert" className="error">
          {live.error ?? actionError}
        </p>
      )}
      <SurgePanel socket={socket} />
      <section aria-labelledby="kpi-title" className="kpis">
        <h2 id="kpi-title" className="sr-only">
          {t.queueLoad}
        </h2>
        <div className="kpi">
          <span className="label">{t.waiting}</span>
          <span className="value" data-testid="waiting-count" aria-live="polite">
            {q?.waiting ?? '–'}
          </span>
        </div>
        <div className="kpi">
          <span className="label">{t.assigned}</span>
          <span className="value">{q?.assigned ?? '–'}</span>
        </div>
        <div className="kpi">
          <span className="label">{t.longestWait}</span>
          <span className="value">{q ? duration(q.longestWaitSeconds) : '–'}</span>
        </div>
        <div className={`kpi ${q && q.breaches.waiting + q.breaches.unanswered > 0 ? 'alarm' : ''}`}>
          <span className="label">{t.breaches}</span>
          <span className="value" data-testid="breaches-total">
            {q ? q.breaches.waiting + q.breaches.unanswered : '–'}
          </span>
          {q &&
            (q.breaches.thresholdsFrom === 'request' ? (
              <span className="detail">
                {q.breaches.waiting} {fill(t.breachWaiting, { s: duration(q.breaches.waitThresholdSeconds) })} ·{' '}
                {q.breaches.unanswered} {fill(t.breachUnanswered, { s: duration(q.breaches.replyThresholdSeconds) })}
              </span>
            ) : (
              <span className="detail">
                {q.breaches.waiting} {t.breachWaitingCount} · {q.breaches.unanswered} {t.breachUnansweredCount}
              </span>
            ))}
        </div>
        <div className="kpi">
          <span className="label">{t.abandonedToday}</span>
          <span className="value">{q?.abandonedToday ?? '–'}</span>
        </div>
        <div className="kpi">
          <span className="label">{t.closedToday}</span>
          <span className="value">{q?.closedToday ?? '–'}</span>
        </div>
        {q && (
          <p className="updated" data-testid="live-status">
            {t.liveUpdates} · {t.lastUpdate} {clockTime(q.at, language)}
          </p>
        )}
      </section>

      <div className="grid">
        <section aria-labelledby="queue-title">
          <h2 id="queue-title">{t.queueLoad}</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">{t.queue}</th>
                <th scope="col">{t.channel}</th>
                <th scope="col">{t.priorityLabel}</th>
                <th scope="col">{t.waiting}</th>
                <th scope="col">{t.longestWait}</th>
              </tr>
            </thead>
            <tbody>
              {q?.buckets.length === 0 && (
                <tr>
                  <td colSpan={5}>{t.none}</td>
                </tr>
              )}
              {q?.buckets.map((bucket) => (
                <tr key={`${bucket.queue}-${bucket.channel}-${bucket.priority}`}>
                  <td>{queueNames(bucket.queue)}</td>
                  <td>
                    <ChannelIcon channel={bucket.channel} withLabel />
                  </td>
                  <td>
                    <PriorityBadge priority={bucket.priority} />
                  </td>
                  <td>{bucket.waiting}</td>
                  <td>{duration(bucket.longestWaitSeconds)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        {q && <BreachesByQueue breaches={q.breaches} names={queueNames} />}
        <section aria-labelledby="charts-title">
          <h2 id="charts-title" className="sr-only">
            {t.arrivalsPerHour}
          </h2>
          {q && (
            <>
              <HourlyChart
                hours={q.hourly}
                labels={{ title: t.arrivalsPerHour, arrivals: t.arrivals, assignments: t.assignments }}
              />
              <DistributionChart buckets={q.waitDistribution} title={t.waitDistribution} />
            </>
          )}
        </section>
      </div>

      <QueueHistoryCharts socket={socket} />

      <section aria-labelledby="open-title">
        <h2 id="open-title">{t.conversations}</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">{t.channel}</th>
              <th scope="col">{t.queue}</th>
              <th scope="col">{t.priorityLabel}</th>
              <th scope="col">{t.agent}</th>
              <th scope="col">{t.waitingFor}</th>
              <th scope="col">{t.actions}</th>
            </tr>
          </thead>
          <tbody>
            {q?.open.map((conversation) => (
              <tr key={conversation.id}>
                <td>{channelOf(conversation.channel).label}</td>
                <td>{queueNames(conversation.queue)}</td>
                <td>
                  <PriorityBadge priority={conversation.priority} />
                </td>
                <td>{conversation.assigneeName ?? `(${t.waiting})`}</td>
                <td>{duration(secondsSince(conversation.waitingSince, now) ?? 0)}</td>
                <td>
                  <button
                    type="button"
                    onClick={() =>
                      void act(async () => setReading(await api.get<DeskAssignmentEvent>(`/api/conversations/${conversation.id}`)))
                    }
                  >
                    {t.readConversation}
                  </button>
                  {moving === conversation.id ? (
                    <ReassignForm
                      agents={(agents.data ?? []).filter((a) => a.onDuty && a.id !== conversation.assigneeId)}
                      onCancel={() => setMoving(null)}
                      onSubmit={(agentId) =>
                        act(async () => {
                          await api.post(`/api/supervisor/conversations/${conversation.id}/reassign`, { agentId });
                          setMoving(null);
                        })
                      }
                    />
                  ) : (
                    <button type="button" onClick={() => setMoving(conversation.id)}>
                      {t.reassign}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      {reading && (
        <section className="reader" aria-labelledby="reader-title">
          <h2 id="reader-title">
            <ChannelIcon channel={reading.conversation.channel} /> {reading.conversation.contact.name}
          </h2>
          <button type="button" onClick={() => setReading(null)}>
            {t.cancel}
          </button>
          <MessageList messages={reading.messages} />
        </section>
      )}

      <section aria-labelledby="agents-title">
        <h2 id="agents-title">{t.agents}</h2>
        <table data-testid="agents-table">
          <thead>
            <tr>
              <th scope="col">{t.agent}</th>
              <th scope="col">{t.presence}</th>
              <th scope="col">{t.duty}</th>
              <th scope="col">{t.load}</th>
              <th scope="col">{t.idle}</th>
              <th scope="col">{t.actions}</th>
            </tr>
          </thead>
          <tbody>
            {(agents.data ?? [])
              .filter((agent) => agent.role !== 'admin')
              .sort((a, b) => Number(b.onDuty) - Number(a.onDuty) || a.displayName.localeCompare(b.displayName))
              .map((agent) => (
                <tr key={agent.id}>
                  <td>{agent.displayName}</td>
                  <td>{t[agent.presence]}</td>
                  <td>
                    {agent.onDuty ? t.onDuty : agent.onShift ? t.onShiftNotAvailable : t.offDuty}
                    {agent.dutyOverride === 'on' ? ` (${t.reinforce})` : ''}
                  </td>
                  <td>
                    {agent.load}/{agent.capacity}
                  </td>
                  <td>{agent.idleSeconds === null ? '–' : duration(agent.idleSeconds)}</td>
                  <td>
                    <button type="button" onClick={() => void act(() => api.post(`/api/supervisor/agents/${agent.id}/duty`, { duty: 'on' }))}>
                      {t.reinforce}
                    </button>
                    <button type="button" onClick={() => void act(() => api.post(`/api/supervisor/agents/${agent.id}/duty`, { duty: 'off' }))}>
                      {t.takeOffDuty}
                    </button>
                    {agent.dutyOverride !== null && (
                      <button
                        type="button"
                        onClick={() => void act(() => api.post(`/api/supervisor/agents/${agent.id}/duty`, { duty: 'roster' }))}
                      >
                        {t.followRoster}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
          </tbody>
        </table>
      </section>

      <AgentTimeline socket={socket} />

      <section aria-labelledby="roster-title" className="roster">
        <h2 id="roster-title">{t.roster}</h2>
        {(['today', 'tomorrow'] as const).map((day) => (
          <div key={day}>
            <h3>{t[day]}</h3>
            <ul>
              {(roster.data?.[day] ?? []).map((shift) => (
                <li key={`${day}-${shift.id}`}>
                  {shift.displayName}
                  {t.colon}
                  <span data-testid="shift-times">
                    {clockTime(shift.startsAt, language, rosterTimeZone)}–{clockTime(shift.endsAt, language, rosterTimeZone)}
                  </span>
                </li>
              ))}
              {roster.data?.[day].length === 0 && <li>{t.none}</li>}
            </ul>
          </div>
        ))}
      </section>
    </>
  );
}

/**
 * Service levels queue by queue, each against its own thresholds (the queues table), with the totals: a single pair
 * of thresholds would hide a sensitive queue breached at one minute behind a general one allowed five.
 */
function BreachesByQueue({ breaches, names }: { breaches: QueueLoadView['breaches']; names: (key: string) => string }) {
  const t = useT();
  const count = (n: number) =>
    n > 0 ? (
      <strong className="breached">
        {n} <span className="sr-only">({t.breached})</span>
      </strong>
    ) : (
      n
    );
  return (
    <section aria-labelledby="breaches-title">
      <h2 id="breaches-title">{t.breachesPerQueue}</h2>
      <table data-testid="breaches-by-queue" aria-describedby="breaches-help">
        <thead>
          <tr>
            <th scope="col">{t.queue}</th>
            <th scope="col">{t.waitThreshold}</th>
            <th scope="col">{t.waitingPastThreshold}</th>
            <th scope="col">{t.replyThreshold}</th>
            <th scope="col">{t.unansweredPastThreshold}</th>
          </tr>
        </thead>
        <tbody>
          {breaches.byQueue.length === 0 && (
            <tr>
              <td colSpan={5}>{t.none}</td>
            </tr>
          )}
          {breaches.byQueue.map((row) => (
            <tr key={row.queue} data-queue={row.queue} className={row.waiting + row.unanswered > 0 ? 'breached' : undefined}>
              <th scope="row">{names(row.queue)}</th>
              <td>{duration(row.waitThresholdSeconds)}</td>
              <td data-testid="waiting-breaches">{count(row.waiting)}</td>
              <td>{duration(row.replyThresholdSeconds)}</td>
              <td data-testid="unanswered-breaches">{count(row.unanswered)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{t.total}</th>
            <td />
            <td data-testid="waiting-breaches-total">{breaches.waiting}</td>
            <td />
            <td data-testid="unanswered-breaches-total">{breaches.unanswered}</td>
          </tr>
        </tfoot>
      </table>
      <p id="breaches-help" className="help">
        {t.breachesPerQueueHelp}
      </p>
    </section>
  );
}

function ReassignForm({
  agents,
  onSubmit,
  onCancel,
}: {
  agents: AgentLoadView[];
  onSubmit: (agentId: string) => Promise<unknown>;
  onCancel: () => void;
}) {
  const t = useT();
  const [agentId, setAgentId] = useState('');
  return (
    <form
      className="inline"
      onSubmit={(event) => {
        event.preventDefault();
        if (agentId) void onSubmit(agentId);
      }}
    >
      <label htmlFor="reassign-agent" className="sr-only">
        {t.reassign}
      </label>
      <select id="reassign-agent" value={agentId} onChange={(event) => setAgentId(event.target.value)} autoFocus>
        <option value="">—</option>
        {agents.map((agent) => (
          <option key={agent.id} value={agent.id}>
            {agent.displayName} ({agent.load}/{agent.capacity})
          </option>
        ))}
      </select>
      <button type="submit">{t.confirm}</button>
      <button type="button" onClick={onCancel}>
        {t.cancel}
      </button>
    </form>
  );
}


function ReportsView() {
  const t = useT();
  // Days of the deployment's zone: the server reads a date alone as that day's midnight there.
  const today = zonedLocal(useTimeZone()).date;
  const [from, setFrom] = useState(addDays(today, -7));
  const [to, setTo] = useState(today);
  const [report, setReport] = useState<ReportView | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The last day is included: the period ends at the next day's midnight.
  const query = () => `from=${from}&to=${addDays(to, 1)}`;
  async function show() {
    setError(null);
    try {
      setReport(await api.get<ReportView>(`/api/reports?${query()}`));
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    }
  }
  async function exportCsv() {
    setError(null);
    try {
      const csv = await api.get<string>(`/api/reports.csv?${query()}`);
      const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
      link.download = `brigade-rapport-${from}-${to}.csv`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 1000);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    }
  }
  const queueNames = useQueueNames();
  const seconds = (value: number | null) => (value === null ? '–' : duration(value));
  return (
    <section aria-labelledby="reports-title">
      <h2 id="reports-title">{t.reports}</h2>
      <form
        className="inline"
        onSubmit={(event) => {
          event.preventDefault();
          void show();
        }}
      >
        <label htmlFor="report-from">{t.from}</label>
        <input id="report-from" type="date" value={from} onChange={(event) => setFrom(event.target.value)} required />
        <label htmlFor="report-to">{t.to}</label>
        <input id="report-to" type="date" value={to} onChange={(event) => setTo(event.target.value)} required />
        <button type="submit">{t.show}</button>
        <button type="button" onClick={() => void exportCsv()}>
          {t.exportCsv}
        </button>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {report && (
        <table data-testid="report-table">
          <thead>
            <tr>
              <th scope="col">{t.channel}</th>
              <th scope="col">{t.queue}</th>
              <th scope="col">{t.conversations}</th>
              <th scope="col">{t.answered}</th>
              <th scope="col">{t.abandoned}</th>
              <th scope="col">{t.closed}</th>
              <th scope="col">{t.firstResponse}</th>
              <th scope="col">{t.handling}</th>
            </tr>
          </thead>
          <tbody>
            {report.rows.map((row) => (
              <tr key={`${row.channel}-${row.queue}`}>
                <td>{channelOf(row.channel).label}</td>
                <td>{queueNames(row.queue)}</td>
                <td>{row.conversations}</td>
                <td>{row.answered}</td>
                <td>{row.abandoned}</td>
                <td>{row.closed}</td>
                <td>{seconds(row.avgFirstResponseSeconds)}</td>
                <td>{seconds(row.avgHandlingSeconds)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={2}>
                {t.total} ({t.abandonment}
                {t.colon}
                {report.totals.abandonmentRate === null ? '–' : `${Math.round(report.totals.abandonmentRate * 100)}${t.percentSpace}%`})
              </th>
              <td>{report.totals.conversations}</td>
              <td>{report.totals.answered}</td>
              <td>{report.totals.abandoned}</td>
              <td>{report.totals.closed}</td>
              <td>{seconds(report.totals.avgFirstResponseSeconds)}</td>
              <td>{seconds(report.totals.avgHandlingSeconds)}</td>
            </tr>
          </tfoot>
        </table>
      )}
    </section>
  );
}

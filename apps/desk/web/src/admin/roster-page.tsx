// The roster as a week grid (agents × days, shifts as blocks) in the roster's time zone (ROSTER_TIME_ZONE, sent by
// the server): add a shift (now by default, or from a cell), remove, copy to next week, CSV import and export.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import * as api from '../api';
import { localeOf } from '../format';
import { useLanguage } from '../i18n';
import { useAdminLabels } from './admin-labels';
import { addDays, useTimeZone, zonedLocal } from '../time-zone';
import { Field, downloadCsv, useFeedback } from './admin-kit';
import type { AdminAgent } from './agents-page';
import { CsvImport } from './csv-import';

interface ShiftView {
  id: string;
  agentId: string;
  agentName: string;
  date: string;
  start: string;
  end: string;
}

interface WeekView {
  from: string;
  to: string;
  shifts: ShiftView[];
}

interface RosterAgent {
  id: string;
  displayName: string;
  login?: string;
}

const ROWS_PER_PAGE = 25;

const minutesOf = (time: string) => {
  const [hours, minutes] = time.split(':').map(Number);
  return hours * 60 + minutes;
};

/** Morning, afternoon or night, by the shift's start: the block's colour (the times are written on it too). */
function periodOf(shift: ShiftView): 'morning' | 'afternoon' | 'night' {
  const start = minutesOf(shift.start);
  if (start >= 5 * 60 && start < 13 * 60) return 'morning';
  if (start >= 13 * 60 && start < 21 * 60) return 'afternoon';
  return 'night';
}

export function RosterPage() {
  const l = useAdminLabels();
  const language = useLanguage();
  const { run, view, fieldErrors } = useFeedback();
  const timeZone = useTimeZone();
  const now = zonedLocal(timeZone);
  const [day, setDay] = useState(now.date);
  const [week, setWeek] = useState<WeekView | null>(null);
  const [agents, setAgents] = useState<RosterAgent[]>([]);
  const [prefill, setPrefill] = useState<{ agentId: string; date: string } | null>(null);
  const [agentFilter, setAgentFilter] = useState('');
  const [page, setPage] = useState(1);
  const formRef = useRef<HTMLFormElement>(null);

  const load = useCallback(() => {
    void run(async () => setWeek(await api.get<WeekView>(`/api/admin/roster?week=${day}`)), undefined, true);
  }, [day]);
  useEffect(load, [load]);
  useEffect(() => {
    // The agents list is an admin route: a supervisor picks from the supervision list instead.
    api.get<AdminAgent[]>('/api/admin/agents?active=true').then(setAgents, () =>
      api.get<RosterAgent[]>('/api/supervisor/agents').then(setAgents, () => setAgents([])),
    );
  }, []);

  async function add(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const added = await run(
      () =>
        api.post('/api/admin/roster/shifts', {
          agentId: String(form.get('agentId')),
          date: String(form.get('date')),
          start: String(form.get('start')),
          end: String(form.get('end')),
        }),
      l.shiftAdded,
    );
    if (added) load();
  }

  const days = week ? Array.from({ length: 7 }, (_, index) => addDays(week.from, index)) : [];
  const eightHoursLater = zonedLocal(timeZone, new Date(Date.now() + 8 * 3600_000)).time;
  const dayLabel = (date: string, style: 'short' | 'long' = 'short') =>
    new Date(`${date}T12:00:00Z`).toLocaleDateString(localeOf(language), { weekday: style, day: 'numeric', month: style === 'short' ? 'short' : 'long', timeZone: 'UTC' });

  // Rows: every agent with a shift this week first (even one deactivated since), then the others, by name.
  const rows = useMemo(() => {
    const byId = new Map<string, RosterAgent>();
    for (const shift of week?.shifts ?? []) byId.set(shift.agentId, { id: shift.agentId, displayName: shift.agentName });
    const withShifts = new Set(byId.keys());
    for (const agent of agents) byId.set(agent.id, { ...byId.get(agent.id), ...agent });
    const words = agentFilter.trim().toLowerCase();
    return [...byId.values()]
      .filter((agent) => !words || `${agent.displayName} ${agent.login ?? ''}`.toLowerCase().includes(words))
      .sort((a, b) => Number(withShifts.has(b.id)) - Number(withShifts.has(a.id)) || a.displayName.localeCompare(b.displayName, localeOf(language)));
  }, [week, agents, agentFilter, language]);
  const pageCount = Math.max(1, Math.ceil(rows.length / ROWS_PER_PAGE));
  const currentPage = Math.min(page, pageCount);
  const shownRows = rows.slice((currentPage - 1) * ROWS_PER_PAGE, currentPage * ROWS_PER_PAGE);

  function startFrom(agentId: string, date: string) {
    setPrefill({ agentId, date });
    requestAnimationFrame(() => {
      formRef.current?.scrollIntoView({ block: 'nearest' });
      formRef.current?.querySelector<HTMLInputElement>('input[name="start"]')?.focus();
    });
  }

  return (
    <section aria-labelledby="roster-title">
      <h2 id="roster-title">{l.tabs.roster}</h2>
      <p className="help" data-testid="roster-zone">
        {l.rosterZone(timeZone)}
      </p>
      {view}
      <form
        ref={formRef}
        key={prefill ? `${prefill.agentId}-${prefill.date}` : 'now'}
        className="admin-form"
        onSubmit={(event) => void add(event)}
        aria-label={l.addShift}
        noValidate
      >
        <Field label={l.agent} names={['agentId']} errors={fieldErrors}>
          <select name="agentId" required defaultValue={prefill?.agentId}>
            {agents.map((agent) => (
              <option key={agent.id} value={agent.id}>
                {agent.displayName}
                {agent.login ? ` (${agent.login})` : ''}
              </option>
            ))}
          </select>
        </Field>
        <Field label={l.date} names={['date']} errors={fieldErrors}>
          <input name="date" type="date" required defaultValue={prefill?.date ?? now.date} />
        </Field>
        <Field label={l.start} names={['start']} errors={fieldErrors}>
          <input name="start" type="time" required defaultValue={prefill ? '06:00' : now.time} />
        </Field>
        <Field label={l.end} names={['end']} errors={fieldErrors}>
          <input name="end" type="time" required defaultValue={prefill ? '14:00' : eightHoursLater} />
        </Field>
        <button type="submit">{l.addShift}</button>
      </form>

      <div className="admin-filters roster-nav">
        <button type="button" className="secondary" onClick={() => setDay(addDays(week?.from ?? day, -7))}>
          ‹ {l.previousWeek}
        </button>
        <strong className="week-title">
          {l.week} {week ? dayLabel(week.from, 'long') : ''}
        </strong>
        <button type="button" className="secondary" onClick={() => setDay(addDays(week?.from ?? day, 7))}>
          {l.nextWeek} ›
        </button>
        <span className="spacer" />
        <label>
          {l.agent}
          <input type="search" value={agentFilter} onChange={(event) => (setAgentFilter(event.target.value), setPage(1))} />
        </label>
        <button
          type="button"
          className="secondary"
          disabled={!week}
          onClick={() =>
            void run(async () => {
              await api.post('/api/admin/roster/copy-week', { fromWeek: week!.from, toWeek: addDays(week!.from, 7) });
            }, l.done)
          }
        >
          {l.copyToNextWeek}
        </button>
        <button
          type="button"
          className="secondary"
          disabled={!week}
          onClick={() => void run(() => downloadCsv(`/api/admin/roster/shifts.csv?from=${week!.from}&to=${week!.to}`, `planning-${week!.from}.csv`))}
        >
          {l.exportCsv}
        </button>
      </div>

      <div className="table-scroll">
        <table className="roster-grid" data-testid="roster-week">
          <caption className="sr-only">
            {l.tabs.roster} · {l.week} {week?.from}
          </caption>
          <thead>
            <tr>
              <th scope="col" className="agent-col">
                {l.agent}
              </th>
              {days.map((date) => (
                <th key={date} scope="col" className={date === now.date ? 'today' : undefined} aria-current={date === now.date ? 'date' : undefined}>
                  {dayLabel(date)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shownRows.length === 0 && (
              <tr>
                <td colSpan={8} className="empty">
                  {l.noShift}
                </td>
              </tr>
            )}
            {shownRows.map((agent) => {
              const shifts = week?.shifts.filter((shift) => shift.agentId === agent.id) ?? [];
              return (
                <tr key={agent.id}>
                  <th scope="row" className="agent-col">
                    <span className="agent-name">{agent.displayName}</span>
                    <span className="muted">{shifts.length > 0 ? l.shiftsOf(shifts.length) : agent.login ?? ''}</span>
                  </th>
                  {days.map((date) => (
                    <td key={date} className={date === now.date ? 'today' : undefined}>
                      <ul className="shift-blocks">
                        {shifts
                          .filter((shift) => shift.date === date)
                          .sort((a, b) => a.start.localeCompare(b.start))
                          .map((shift) => {
                            const start = minutesOf(shift.start);
                            const end = minutesOf(shift.end);
                            const overnight = end <= start;
                            const left = (start / 1440) * 100;
                            const width = ((overnight ? 1440 : end) - start) / 14.4;
                            return (
                              <li key={shift.id} className={`shift-block ${periodOf(shift)}`} data-testid="shift-block">
                                <span className="shift-time">
                                  {shift.start}–{shift.end}
                                  {overnight && <abbr title={l.nextDay}> +1</abbr>}
                                </span>
                                <button
                                  type="button"
                                  className="shift-remove"
                                  aria-label={`${l.remove} ${shift.agentName} ${shift.date} ${shift.start}`}
                                  onClick={() => void run(() => api.request('DELETE', `/api/admin/roster/shifts/${shift.id}`)).then(load)}
                                >
                                  ✕
                                </button>
                                <span className="shift-bar" aria-hidden="true">
                                  <span style={{ left: `${left}%`, width: `${width}%` }} />
                                </span>
                              </li>
                            );
                          })}
                      </ul>
                      <button type="button" className="cell-add" aria-label={l.addShiftHere(agent.displayName, dayLabel(date, 'long'))} onClick={() => startFrom(agent.id, date)}>
                        +
                      </button>
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {pageCount > 1 && (
        <nav className="pager" aria-label={`${l.pages} – ${l.tabs.roster}`}>
          <span>{rows.length}</span>
          <button type="button" disabled={currentPage <= 1} onClick={() => setPage(currentPage - 1)} aria-label={l.previousPage}>
            ‹
          </button>
          <span>
            {l.page} {currentPage} / {pageCount}
          </span>
          <button type="button" disabled={currentPage >= pageCount} onClick={() => setPage(currentPage + 1)} aria-label={l.nextPage}>
            ›
          </button>
        </nav>
      )}
      <CsvImport path="/api/admin/roster/shifts/import" onDone={load} columns="login,date,start,end" />
    </section>
  );
}

// The roster by week in Paris time: add a shift (now by default), remove, copy to next week, CSV import and export.
import { useCallback, useEffect, useState } from 'react';
import * as api from '../api';
import { localeOf } from '../format';
import { useLanguage } from '../i18n';
import { useAdminLabels } from './admin-labels';
import { addDays, useTimeZone, zonedLocal } from '../time-zone';
import { downloadCsv, useFeedback } from './admin-kit';
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

export function RosterPage() {
  const l = useAdminLabels();
  const language = useLanguage();
  const { run, view } = useFeedback();
  const timeZone = useTimeZone();
  const now = zonedLocal(timeZone);
  const [day, setDay] = useState(now.date);
  const [week, setWeek] = useState<WeekView | null>(null);
  const [agents, setAgents] = useState<AdminAgent[]>([]);

  const load = useCallback(() => {
    void run(async () => setWeek(await api.get<WeekView>(`/api/admin/roster?week=${day}`)), undefined, true);
  }, [day]);
  useEffect(load, [load]);
  useEffect(() => {
    // The agents list is an admin route: a supervisor picks from the supervision list instead.
    api.get<AdminAgent[]>('/api/admin/agents?active=true').then(setAgents, () =>
      api.get<AdminAgent[]>('/api/supervisor/agents').then(setAgents, () => setAgents([])),
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

  return (
    <section aria-labelledby="roster-title">
      <h2 id="roster-title">{l.tabs.roster}</h2>
      {view}
      <form className="admin-form" onSubmit={(event) => void add(event)} aria-label={l.addShift}>
        <label>
          {l.agent}
          <select name="agentId" required>
            {agents.map((agent) => (
              <option key={agent.id} value={agent.id}>
                {agent.displayName}
                {agent.login ? ` (${agent.login})` : ''}
              </option>
            ))}
          </select>
        </label>
        <label>
          {l.date}
          <input name="date" type="date" required defaultValue={now.date} />
        </label>
        <label>
          {l.start}
          <input name="start" type="time" required defaultValue={now.time} />
        </label>
        <label>
          {l.end}
          <input name="end" type="time" required defaultValue={eightHoursLater} />
        </label>
        <button type="submit">{l.addShift}</button>
      </form>

      <div className="admin-filters">
        <button type="button" onClick={() => setDay(addDays(week?.from ?? day, -7))}>
          {l.previousWeek}
        </button>
        <strong>
          {l.week} {week?.from}
        </strong>
        <button type="button" onClick={() => setDay(addDays(week?.from ?? day, 7))}>
          {l.nextWeek}
        </button>
        <button
          type="button"
          disabled={!week}
          onClick={() =>
            void run(() => api.post('/api/admin/roster/copy-week', { fromWeek: week!.from, toWeek: addDays(week!.from, 7) }), l.done)
          }
        >
          {l.copyToNextWeek}
        </button>
        <button
          type="button"
          disabled={!week}
          onClick={() => void run(() => downloadCsv(`/api/admin/roster/shifts.csv?from=${week!.from}&to=${week!.to}`, `planning-${week!.from}.csv`))}
        >
          {l.exportCsv}
        </button>
      </div>

      <div className="roster-week" data-testid="roster-week">
        {days.map((date) => (
          <div key={date} className="roster-day">
            <h3>{new Date(`${date}T12:00:00Z`).toLocaleDateString(localeOf(language), { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' })}</h3>
            <ul>
              {week!.shifts
                .filter((shift) => shift.date === date)
                .map((shift) => (
                  <li key={shift.id}>
                    {shift.start}–{shift.end} {shift.agentName}{' '}
                    <button
                      type="button"
                      className="link"
                      aria-label={`${l.remove} ${shift.agentName} ${shift.date} ${shift.start}`}
                      onClick={() => void run(() => api.request('DELETE', `/api/admin/roster/shifts/${shift.id}`)).then(load)}
                    >
                      ✕
                    </button>
                  </li>
                ))}
            </ul>
          </div>
        ))}
      </div>
      <CsvImport path="/api/admin/roster/shifts/import" onDone={load} columns="login,date,start,end" />
    </section>
  );
}

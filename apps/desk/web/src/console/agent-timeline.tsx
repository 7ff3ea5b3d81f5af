// Each gendarme's states over the last hours as horizontal bars (offline, away, available, in conversation), with a
// thin band for the periods on duty, from the stored state changes; a table of the same periods for screen readers.
import { useState } from 'react';
import type { AgentTimelineView } from '../contract';
import { clockTime } from '../format';
import { fill, useLanguage } from '../i18n';
import { useInterface } from '../interface-settings';
import type { DeskSocket } from '../socket';
import { useHistoryT } from './history-i18n';
import { useAgentTimeline } from './history-data';
import './wallboard.css';

const HOUR_CHOICES = [12, 24] as const;
const STATES = ['available', 'busy', 'away', 'offline'] as const;

export function AgentTimeline({ socket }: { socket: DeskSocket }) {
  const h = useHistoryT();
  const language = useLanguage();
  const { rosterTimeZone } = useInterface();
  const [hours, setHours] = useState<number>(12);
  const { data, error } = useAgentTimeline(socket, hours);
  const from = data ? Date.parse(data.from) : 0;
  const to = data ? Date.parse(data.to) : 1;
  const span = Math.max(1, to - from);
  const share = (iso: string) => ((Date.parse(iso) - from) / span) * 100;
  const time = (iso: string) => clockTime(iso, language, rosterTimeZone);
  // Hour marks on the wall clock of the interface's zone, every 2 hours (every 3 over 24 hours).
  const step = hours > 12 ? 3 : 2;
  const ticks: { at: string; left: number }[] = [];
  if (data) {
    for (let instant = Math.ceil(from / 3_600_000) * 3_600_000; instant <= to; instant += 3_600_000) {
      const iso = new Date(instant).toISOString();
      if (Number(time(iso).slice(0, 2)) % step === 0) ticks.push({ at: iso, left: share(iso) });
    }
  }
  const agents = (data?.agents ?? []).filter((agent) => agent.role !== 'admin');
  const period = (from: string, to: string) => fill(h.fromTo, { from: time(from), to: time(to) });
  return (
    <section aria-labelledby="timeline-title" className="agent-timeline" data-testid="agent-timeline">
      <h2 id="timeline-title">{h.timeline}</h2>
      <p className="help">{fill(h.timelineHelp, { hours: String(hours) })}</p>
      <label htmlFor="timeline-hours">{h.timelineHours}</label>{' '}
      <select id="timeline-hours" value={hours} onChange={(event) => setHours(Number(event.target.value))}>
        {HOUR_CHOICES.map((choice) => (
          <option key={choice} value={choice}>
            {fill(h.hoursOption, { n: String(choice) })}
          </option>
        ))}
      </select>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <p className="legend" aria-hidden="true">
        {STATES.map((state) => (
          <span key={state}>
            <span className={`swatch state-${state}`} /> {h.states[state]}
          </span>
        ))}
        <span>
          <span className="swatch duty-band" /> {h.onDuty}
        </span>
      </p>
      <div className="timeline-rows" aria-hidden="true">
        <div className="timeline-row timeline-axis">
          <span className="timeline-name" />
          <div className="timeline-track">
            {ticks.map((tick) => (
              <span key={tick.at} className="timeline-tick" style={{ left: `${tick.left}%` }}>
                {time(tick.at)}
              </span>
            ))}
          </div>
        </div>
        {agents.map((agent) => (
          <TimelineRow key={agent.agentId} agent={agent} share={share} label={(state, a, b) => `${h.states[state]} ${period(a, b)}`} />
        ))}
      </div>
      <table className="sr-only">
        <caption>{fill(h.tableOf, { title: h.timeline })}</caption>
        <thead>
          <tr>
            <th scope="col">{h.agent}</th>
            <th scope="col">{h.periods}</th>
            <th scope="col">{h.onDuty}</th>
          </tr>
        </thead>
        <tbody>
          {agents.map((agent) => (
            <tr key={agent.agentId}>
              <th scope="row">{agent.displayName}</th>
              <td>
                {agent.states.length === 0
                  ? h.unknown
                  : agent.states.map((one) => `${h.states[one.state]} ${period(one.from, one.to)}`).join(' ; ')}
              </td>
              <td>{agent.duty.length === 0 ? '–' : agent.duty.map((one) => period(one.from, one.to)).join(' ; ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function TimelineRow({
  agent,
  share,
  label,
}: {
  agent: AgentTimelineView;
  share: (iso: string) => number;
  label: (state: AgentTimelineView['states'][number]['state'], from: string, to: string) => string;
}) {
  return (
    <div className="timeline-row" data-agent={agent.agentId}>
      <span className="timeline-name">{agent.displayName}</span>
      <div className="timeline-track">
        {agent.states.map((one) => (
          <span
            key={one.from}
            className={`timeline-bar state-${one.state}`}
            data-state={one.state}
            style={{ left: `${share(one.from)}%`, width: `${Math.max(0.2, share(one.to) - share(one.from))}%` }}
            title={label(one.state, one.from, one.to)}
          />
        ))}
        {agent.duty.map((one) => (
          <span
            key={`duty-${one.from}`}
            className="timeline-duty duty-band"
            style={{ left: `${share(one.from)}%`, width: `${Math.max(0.2, share(one.to) - share(one.from))}%` }}
          />
        ))}
      </div>
    </div>
  );
}

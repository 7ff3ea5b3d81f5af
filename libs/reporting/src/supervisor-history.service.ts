import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '@brigade/agents';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { InvalidInputError } from '@brigade/errors';
import { SERVICE_LEVEL_FALLBACK } from '@brigade/routing';
import type {
  AgentState,
  AgentTimelineView,
  AgentTimelinesView,
  HistoryBucketView,
  HistoryView,
  QueueHistoryView,
} from './reporting-views';

export const HISTORY_BUCKET_MINUTES = [15, 60] as const;
export const HISTORY_HOURS = 24;
export const TIMELINE_MAX_HOURS = 24;

/** Every queue together, in the charts' answer. */
export const ALL_QUEUES = '*';

const HOUR_MS = 3_600_000;

const num = (value: unknown): number => Number(value ?? 0);

/**
 * The slots of the charts: the last one holds `until` and starts on a wall-clock boundary of the interface's zone
 * ($2) — whole hours (or quarters) there, whatever its offset (+05:30 included). Slots are instants one after the
 * other, so a day when clocks go back shows the repeated hour twice and a day when they go forward skips one, as the
 * room lived them. Parameters: $1 until, $2 zone, $3 minutes per slot, $4 number of slots.
 */
const WINDOW = `params AS (
    SELECT date_trunc('minute', $1::timestamptz)
           - make_interval(mins => (extract(minute FROM $1::timestamptz AT TIME ZONE $2)::int % $3::int)) AS last_start),
  win AS (
    SELECT last_start - make_interval(mins => $3::int * ($4::int - 1)) AS first_start,
           last_start + make_interval(mins => $3::int) AS stop FROM params),
  today AS (SELECT (date_trunc('day', $1::timestamptz AT TIME ZONE $2) AT TIME ZONE $2) AS start)`;

/**
 * The console's history: per-queue charts of the last 24 hours (arrivals, waits, service level) and every agent's
 * state timeline, read from PostgreSQL. Waits run from arrival to the first assignment; the service level compares
 * them with each queue's own wait threshold (the e-mail channel's answer time for contact-form messages), as the
 * live breaches do.
 */
@Injectable()
export class SupervisorHistoryService {
  private readonly timeZone: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.timeZone = config.routing.rosterTimeZone;
  }

  async queueHistory(until: Date = this.clock.now(), bucketMinutes: number = 60): Promise<HistoryView> {
    if (!(HISTORY_BUCKET_MINUTES as readonly number[]).includes(bucketMinutes)) {
      throw new InvalidInputError(`La durée d'un créneau doit être l'une de : ${HISTORY_BUCKET_MINUTES.join(', ')} minutes`);
    }
    if (Number.isNaN(until.getTime())) throw new InvalidInputError('« until » n’est pas une date');
    const slots = (HISTORY_HOURS * 60) / bucketMinutes;
    const params = [until, this.timeZone, bucketMinutes, slots];
    const slotRows: { slot: number; start: Date; local: string }[] = await this.dataSource.query(
      `WITH ${WINDOW}
       SELECT i AS slot, win.first_start + make_interval(mins => $3::int * i) AS start,
              to_char((win.first_start + make_interval(mins => $3::int * i)) AT TIME ZONE $2, 'YYYY-MM-DD"T"HH24:MI') AS local
         FROM win, generate_series(0, $4::int - 1) AS i
        ORDER BY i`,
      params,
    );
    // One pass over the arrivals since the earlier of the window's start and the local midnight (a 25-hour day
    // starts before the window), materialised: the slots and today's totals are both aggregated from it.
    const rows: {
      kind: 'slot' | 'today';
      queue: string | null;
      slot: number | null;
      arrivals: number;
      taken: number;
      median: number | null;
      p90: number | null;
      within: number;
      counted: number;
    }[] = await this.dataSource.query(
      `WITH ${WINDOW},
       -- A conversation is assigned after it arrives: the assignments since the window opened hold the first one
       -- of every conversation that arrived since (ix_assignments_assigned_at, then one hash join).
       first_taken AS (
         SELECT a.conversation_id, min(a.assigned_at) AS taken_at
           FROM assignments a, win, today
          WHERE a.assigned_at >= LEAST(win.first_start, today.start)
          GROUP BY a.conversation_id),
       measured AS MATERIALIZED (
         SELECT c.queue, c.created_at, t.taken_at,
                EXTRACT(EPOCH FROM t.taken_at - c.created_at)::float8 AS wait_s,
                t.taken_at IS NOT NULL AND t.taken_at <= c.created_at + make_interval(secs => s.threshold_s) AS within,
                t.taken_at IS NOT NULL OR c.status = 'abandoned'
                  OR (c.status = 'waiting' AND $1::timestamptz > c.created_at + make_interval(secs => s.threshold_s)) AS counted,
                CASE WHEN c.created_at >= win.first_start AND c.created_at < win.stop
                     THEN floor(EXTRACT(EPOCH FROM c.created_at - win.first_start)::float8 / ($3::int * 60))::int END AS slot,
                c.created_at >= today.start AND c.created_at < $1::timestamptz AS today
           FROM conversations c
           LEFT JOIN queues q ON q.key = c.queue
           CROSS JOIN win CROSS JOIN today
           LEFT JOIN first_taken t ON t.conversation_id = c.id
           CROSS JOIN LATERAL (
             SELECT CASE WHEN c.channel = 'email' THEN COALESCE(q.email_sla_hours, 24) * 3600
                         ELSE COALESCE(q.sla_wait_seconds, ${SERVICE_LEVEL_FALLBACK.waitSeconds}) END AS threshold_s) s
          WHERE c.created_at >= LEAST(win.first_start, today.start) AND c.created_at < GREATEST(win.stop, $1::timestamptz))
       SELECT 'slot' AS kind, queue, slot, count(*)::int AS arrivals,
              count(*) FILTER (WHERE taken_at IS NOT NULL)::int AS taken,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY wait_s) FILTER (WHERE taken_at IS NOT NULL) AS median,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY wait_s) FILTER (WHERE taken_at IS NOT NULL) AS p90,
              count(*) FILTER (WHERE within)::int AS within, count(*) FILTER (WHERE counted)::int AS counted
         FROM measured WHERE slot IS NOT NULL
        GROUP BY GROUPING SETS ((queue, slot), (slot))
       UNION ALL
       SELECT 'today', queue, NULL, count(*)::int, 0, NULL, NULL,
              count(*) FILTER (WHERE within)::int, count(*) FILTER (WHERE counted)::int
         FROM measured WHERE today
        GROUP BY GROUPING SETS ((queue), ())`,
      params,
    );
    const slotTotals = rows.filter((row) => row.kind === 'slot');
    const todayRows = rows.filter((row) => row.kind === 'today');
    const active: { key: string }[] = await this.dataSource.query(`SELECT key FROM queues WHERE active ORDER BY key`);
    const keys = [...new Set([...active.map((row) => row.key), ...slotTotals.map((row) => row.queue), ...todayRows.map((row) => row.queue)])]
      .filter((key): key is string => key !== null)
      .sort();
    const queueOf = (key: string | null) => key ?? ALL_QUEUES;
    const queues: QueueHistoryView[] = [ALL_QUEUES, ...keys].map((key) => {
      const buckets = slotRows.map((slot): HistoryBucketView => {
        const row = slotTotals.find((candidate) => queueOf(candidate.queue) === key && candidate.slot === slot.slot);
        return {
          start: slot.start.toISOString(),
          local: slot.local,
          arrivals: num(row?.arrivals),
          taken: num(row?.taken),
          medianWaitSeconds: row?.median === null || row?.median === undefined ? null : Math.round(num(row.median)),
          p90WaitSeconds: row?.p90 === null || row?.p90 === undefined ? null : Math.round(num(row.p90)),
          withinThreshold: num(row?.within),
          counted: num(row?.counted),
          serviceLevel: row && row.counted > 0 ? row.within / row.counted : null,
        };
      });
      const day = todayRows.find((candidate) => queueOf(candidate.queue) === key);
      return {
        queue: key,
        buckets,
        today: {
          arrivals: num(day?.arrivals),
          withinThreshold: num(day?.within),
          counted: num(day?.counted),
          serviceLevel: day && day.counted > 0 ? day.within / day.counted : null,
        },
      };
    });
    const first = slotRows[0]?.start ?? until;
    return {
      from: first.toISOString(),
      to: new Date(first.getTime() + HISTORY_HOURS * HOUR_MS).toISOString(),
      timeZone: this.timeZone,
      bucketMinutes,
      queues,
    };
  }

  /**
   * Each active agent's states over the last `hours` (offline, away, available, busy: available and holding at least
   * one conversation) and their periods on duty, from agent_state_changes and the shifts.
   */
  async agentTimeline(until: Date = this.clock.now(), hours: number = TIMELINE_MAX_HOURS): Promise<AgentTimelinesView> {
    if (!Number.isInteger(hours) || hours < 1 || hours > TIMELINE_MAX_HOURS) {
      throw new InvalidInputError(`La durée doit être comprise entre 1 et ${TIMELINE_MAX_HOURS} heures`);
    }
    if (Number.isNaN(until.getTime())) throw new InvalidInputError('« until » n’est pas une date');
    const from = new Date(until.getTime() - hours * HOUR_MS);
    const agents: { id: string; display_name: string; role: AgentTimelineView['role'] }[] = await this.dataSource.query(
      `SELECT id, display_name, role FROM agents WHERE active ORDER BY display_name, id`,
    );
    // The state each agent was in when the window opened (its last change before), then every change inside.
    const changes: StateRow[] = await this.dataSource.query(
      `SELECT s.agent_id, s.at, s.presence, s.busy, s.duty_override, s.active
         FROM agents a CROSS JOIN LATERAL (
                SELECT * FROM agent_state_changes s WHERE s.agent_id = a.id AND s.at < $1 ORDER BY s.at DESC LIMIT 1) s
        WHERE a.active
       UNION ALL
       SELECT s.agent_id, s.at, s.presence, s.busy, s.duty_override, s.active
         FROM agent_state_changes s JOIN agents a ON a.id = s.agent_id AND a.active
        WHERE s.at >= $1 AND s.at < $2
        ORDER BY at, agent_id`,
      [from, until],
    );
    const shifts: { agent_id: string; starts_at: Date; ends_at: Date }[] = await this.dataSource.query(
      `SELECT agent_id, starts_at, ends_at FROM shifts WHERE starts_at < $2 AND ends_at > $1`,
      [from, until],
    );
    return {
      from: from.toISOString(),
      to: until.toISOString(),
      agents: agents.map((agent) =>
        timelineOf(
          agent,
          changes.filter((row) => row.agent_id === agent.id),
          shifts.filter((row) => row.agent_id === agent.id),
          from,
          until,
        ),
      ),
    };
  }
}

interface StateRow {
  agent_id: string;
  at: Date;
  presence: 'available' | 'away' | 'offline';
  busy: boolean;
  duty_override: 'on' | 'off' | null;
  active: boolean;
}

function stateOf(row: StateRow): AgentState {
  if (!row.active || row.presence === 'offline') return 'offline';
  if (row.presence === 'away') return 'away';
  return row.busy ? 'busy' : 'available';
}

/** Consecutive periods from (instant, value) steps, equal neighbours merged; `null` values leave a gap. */
function periods<T>(steps: { at: number; value: T | null }[], end: number): { value: T; from: number; to: number }[] {
  const out: { value: T; from: number; to: number }[] = [];
  steps.forEach((step, index) => {
    const to = index + 1 < steps.length ? steps[index + 1].at : end;
    if (step.value === null || to <= step.at) return;
    const last = out[out.length - 1];
    if (last && last.value === step.value && last.to === step.at) last.to = to;
    else out.push({ value: step.value, from: step.at, to });
  });
  return out;
}

function timelineOf(
  agent: { id: string; display_name: string; role: AgentTimelineView['role'] },
  changes: StateRow[],
  shifts: { starts_at: Date; ends_at: Date }[],
  from: Date,
  until: Date,
): AgentTimelineView {
  const start = from.getTime();
  const end = until.getTime();
  const at = (row: StateRow) => Math.max(start, row.at.getTime());
  const states = periods(
    changes.map((row) => ({ at: at(row), value: stateOf(row) })),
    end,
  );
  // On duty: a reinforcement ('on'), or a roster shift unless taken off duty ('off'); inactive agents never.
  const instants = [...changes.map(at), ...shifts.flatMap((shift) => [shift.starts_at.getTime(), shift.ends_at.getTime()])]
    .filter((instant) => instant >= start && instant < end)
    .sort((a, b) => a - b);
  const known = changes.length > 0 ? at(changes[0]) : end;
  const dutySteps = [...new Set(instants)]
    .filter((instant) => instant >= known)
    .map((instant) => {
      const current = [...changes].reverse().find((row) => at(row) <= instant) ?? null;
      if (!current) return { at: instant, value: null };
      const inShift = shifts.some((shift) => shift.starts_at.getTime() <= instant && shift.ends_at.getTime() > instant);
      const onDuty = current.active && (current.duty_override === 'on' || (current.duty_override === null && inShift));
      return { at: instant, value: onDuty ? true : null };
    });
  const iso = (instant: number) => new Date(instant).toISOString();
  return {
    agentId: agent.id,
    displayName: agent.display_name,
    role: agent.role,
    states: states.map((period) => ({ state: period.value, from: iso(period.from), to: iso(period.to) })),
    duty: periods(dutySteps, end).map((period) => ({ from: iso(period.from), to: iso(period.to) })),
  };
}

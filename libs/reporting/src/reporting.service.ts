import { Inject, Injectable } from '@nestjs/common';
import { InvalidInputError } from '@brigade/errors';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock, localToInstant } from '@brigade/agents';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { SERVICE_LEVEL_FALLBACK } from '@brigade/routing';
import type { AgentLoadView, OpenConversationView, QueueBreaches, QueueLoadView } from '@brigade/realtime';
import type {
  ColleagueView,
  ReportRow,
  ReportView,
  RosterShiftView,
  RosterView,
} from './reporting-views';

const MAX_REPORT_DAYS = 366;

const WAIT_BUCKETS: { label: string; fromSeconds: number; toSeconds: number | null }[] = [
  { label: '< 1 min', fromSeconds: 0, toSeconds: 60 },
  { label: '1–5 min', fromSeconds: 60, toSeconds: 300 },
  { label: '5–15 min', fromSeconds: 300, toSeconds: 900 },
  { label: '15–60 min', fromSeconds: 900, toSeconds: 3600 },
  { label: '> 1 h', fromSeconds: 3600, toSeconds: null },
];

const num = (value: unknown): number => Number(value ?? 0);
const numOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

/** The supervisor's numbers, read straight from PostgreSQL (the source of truth), never from a cache. */
/**
 * A conversation of the e-mail channel (contact form) is answered within hours, not minutes: its queue's
 * email_sla_hours replaces both thresholds (t) for it, unless a "what if" threshold was asked for ($2, $3).
 */
const EMAIL_THRESHOLDS = `CROSS JOIN LATERAL (
           SELECT CASE WHEN c.channel = 'email' AND $2::int IS NULL THEN COALESCE(q.email_sla_hours, 24) * 3600 ELSE t.wait_s END AS wait_s,
                  CASE WHEN c.channel = 'email' AND $3::int IS NULL THEN COALESCE(q.email_sla_hours, 24) * 3600 ELSE t.reply_s END AS reply_s) e`;

@Injectable()
export class ReportingService {
  /** "Today" and "tomorrow" are the desk's local days in the roster's zone (ROSTER_TIME_ZONE), not UTC days. */
  private readonly timeZone: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.timeZone = config.routing.rosterTimeZone;
  }

  /**
   * The live load. Breaches are counted against each queue's own thresholds (queues.sla_wait_seconds, the wait for a
   * gendarme; queues.sla_first_reply_seconds, the wait for an answer), read at every call; thresholds given here
   * replace them for every queue (a "what if" view).
   */
  async queueLoad(waitThresholdSeconds?: number, replyThresholdSeconds?: number): Promise<QueueLoadView> {
    const now = this.clock.now();
    const requestedWait = waitThresholdSeconds ?? null;
    const requestedReply = replyThresholdSeconds ?? null;
    const thresholds = `LEFT JOIN queues q ON q.key = c.queue
         CROSS JOIN LATERAL (SELECT COALESCE($2::int, q.sla_wait_seconds, ${SERVICE_LEVEL_FALLBACK.waitSeconds}) AS wait_s,
                                    COALESCE($3::int, q.sla_first_reply_seconds, ${SERVICE_LEVEL_FALLBACK.firstReplySeconds}) AS reply_s) t
         ${EMAIL_THRESHOLDS}`;
    const waitBreach = `c.status = 'waiting' AND c.waiting_since < $1::timestamptz - make_interval(secs => e.wait_s)`;
    // Unanswered past the queue's threshold, or escalated for its current assignment (no answer within the no-reply
    // delay and nobody else to take it): an escalation is a breach even when the threshold is longer than that delay.
    const replyBreach = `c.status = 'assigned' AND c.last_citizen_message_at IS NOT NULL
                                 AND (c.last_agent_message_at IS NULL OR c.last_agent_message_at < c.last_citizen_message_at)
                                 AND (GREATEST(c.last_citizen_message_at, c.assigned_at) < $1::timestamptz - make_interval(secs => e.reply_s)
                                      OR c.no_reply_escalated_at >= c.assigned_at)`;
    const buckets: { queue: string; channel: string; priority: number; waiting: number; longest: number }[] =
      await this.dataSource.query(
        `SELECT queue, channel, priority, count(*)::int AS waiting,
                GREATEST(0, EXTRACT(EPOCH FROM ($1::timestamptz - min(waiting_since))))::float8 AS longest
           FROM conversations WHERE status = 'waiting'
          GROUP BY queue, channel, priority ORDER BY priority, queue, channel`,
        [now],
      );
    const [counts] = await this.dataSource.query(
      `WITH day AS (SELECT (date_trunc('day', $1::timestamptz AT TIME ZONE $4) AT TIME ZONE $4) AS start)
       SELECT count(*) FILTER (WHERE c.status = 'assigned')::int AS assigned,
              count(*) FILTER (WHERE ${waitBreach})::int AS waiting_breaches,
              count(*) FILTER (WHERE ${replyBreach})::int AS unanswered_breaches,
              count(*) FILTER (WHERE c.status = 'abandoned' AND COALESCE(c.closed_at, c.waiting_since) >= (SELECT start FROM day))::int
                AS abandoned_today,
              count(*) FILTER (WHERE c.status = 'closed' AND c.closed_at >= (SELECT start FROM day))::int AS closed_today,
              ${WAIT_BUCKETS.map(
                (bucket, index) =>
                  `count(*) FILTER (WHERE c.status = 'waiting' AND c.waiting_since <= $1::timestamptz - make_interval(secs => ${bucket.fromSeconds})` +
                  (bucket.toSeconds === null ? '' : ` AND c.waiting_since > $1::timestamptz - make_interval(secs => ${bucket.toSeconds})`) +
                  `)::int AS wait_${index}`,
              ).join(',\n              ')}
         FROM conversations c ${thresholds}
        WHERE c.status IN ('waiting', 'assigned') OR c.closed_at >= $1::timestamptz - interval '2 days'
            OR (c.status = 'abandoned' AND c.waiting_since >= $1::timestamptz - interval '2 days')`,
      [now, requestedWait, requestedReply, this.timeZone],
    );
    const byQueue: QueueBreaches[] = await this.dataSource.query(
      `SELECT k.queue, t.wait_s::int AS "waitThresholdSeconds", t.reply_s::int AS "replyThresholdSeconds",
              count(c.id) FILTER (WHERE ${waitBreach})::int AS waiting,
              count(c.id) FILTER (WHERE ${replyBreach})::int AS unanswered
         FROM (SELECT key AS queue FROM queues WHERE active
               UNION SELECT queue FROM conversations WHERE status IN ('waiting', 'assigned')) k
         LEFT JOIN queues q ON q.key = k.queue
         CROSS JOIN LATERAL (SELECT COALESCE($2::int, q.sla_wait_seconds, ${SERVICE_LEVEL_FALLBACK.waitSeconds}) AS wait_s,
                                    COALESCE($3::int, q.sla_first_reply_seconds, ${SERVICE_LEVEL_FALLBACK.firstReplySeconds}) AS reply_s) t
         LEFT JOIN conversations c ON c.queue = k.queue AND c.status IN ('waiting', 'assigned')
         ${EMAIL_THRESHOLDS}
        GROUP BY k.queue, t.wait_s, t.reply_s
        ORDER BY k.queue`,
      [now, requestedWait, requestedReply],
    );
    const hourly: { hour: Date; arrivals: number; assignments: number }[] = await this.dataSource.query(
      `SELECT h AS hour,
              (SELECT count(*) FROM conversations c WHERE c.created_at >= h AND c.created_at < h + interval '1 hour')::int AS arrivals,
              (SELECT count(*) FROM assignments a WHERE a.assigned_at >= h AND a.assigned_at < h + interval '1 hour')::int AS assignments
         FROM generate_series(date_trunc('hour', $1::timestamptz) - interval '11 hours', date_trunc('hour', $1::timestamptz),
                              interval '1 hour') AS h
        ORDER BY h`,
      [now],
    );
    const open: {
      id: string;
      channel: string;
      queue: string;
      priority: number;
      status: 'waiting' | 'assigned';
      assignee_id: string | null;
      assignee_name: string | null;
      waiting_since: Date;
      assigned_at: Date | null;
    }[] = await this.dataSource.query(
      `SELECT c.id, c.channel, c.queue, c.priority, c.status, c.assignee_id, a.display_name AS assignee_name,
              c.waiting_since, c.assigned_at
         FROM conversations c LEFT JOIN agents a ON a.id = c.assignee_id
        WHERE c.status IN ('waiting', 'assigned')
        ORDER BY c.status = 'waiting' DESC, c.priority, c.waiting_since
        LIMIT 100`,
    );
    return {
      at: now.toISOString(),
      open: open.map(
        (row): OpenConversationView => ({
          id: row.id,
          channel: row.channel,
          queue: row.queue,
          priority: num(row.priority),
          status: row.status,
          assigneeId: row.assignee_id,
          assigneeName: row.assignee_name,
          waitingSince: row.waiting_since.toISOString(),
          assignedAt: row.assigned_at?.toISOString() ?? null,
        }),
      ),
      waiting: buckets.reduce((sum, bucket) => sum + bucket.waiting, 0),
      assigned: num(counts.assigned),
      longestWaitSeconds: Math.round(Math.max(0, ...buckets.map((bucket) => bucket.longest))),
      buckets: buckets.map((bucket) => ({
        queue: bucket.queue,
        channel: bucket.channel,
        priority: num(bucket.priority),
        waiting: bucket.waiting,
        longestWaitSeconds: Math.round(bucket.longest),
      })),
      breaches: {
        waiting: num(counts.waiting_breaches),
        unanswered: num(counts.unanswered_breaches),
        thresholdsFrom: requestedWait === null && requestedReply === null ? 'queues' : 'request',
        waitThresholdSeconds: requestedWait ?? SERVICE_LEVEL_FALLBACK.waitSeconds,
        replyThresholdSeconds: requestedReply ?? SERVICE_LEVEL_FALLBACK.firstReplySeconds,
        byQueue,
      },
      abandonedToday: num(counts.abandoned_today),
      closedToday: num(counts.closed_today),
      hourly: hourly.map((row) => ({ hour: row.hour.toISOString(), arrivals: row.arrivals, assignments: row.assignments })),
      waitDistribution: WAIT_BUCKETS.map((bucket, index) => ({ ...bucket, count: num(counts[`wait_${index}`]) })),
    };
  }

  /** Every active agent with presence, duty state (same rule as routing), load and idle time. */
  async agents(): Promise<AgentLoadView[]> {
    const now = this.clock.now();
    const rows: {
      id: string;
      display_name: string;
      role: AgentLoadView['role'];
      presence: AgentLoadView['presence'];
      duty_override: AgentLoadView['dutyOverride'];
      capacity: number;
      on_shift: boolean;
      load: number;
      last_activity: Date | null;
    }[] = await this.dataSource.query(
      `SELECT a.id, a.display_name, a.role, a.presence, a.duty_override, a.capacity,
              EXISTS (SELECT 1 FROM shifts s WHERE s.agent_id = a.id AND s.starts_at <= $1 AND s.ends_at > $1) AS on_shift,
              (SELECT count(*) FROM conversations c WHERE c.assignee_id = a.id AND c.status = 'assigned')::int AS load,
              GREATEST(a.last_assigned_at,
                       (SELECT max(c.last_agent_message_at) FROM conversations c WHERE c.assignee_id = a.id)) AS last_activity
         FROM agents a WHERE a.active
        ORDER BY a.display_name`,
      [now],
    );
    return rows.map((row) => {
      const scheduled = row.duty_override === 'on' || (row.duty_override === null && row.on_shift);
      return {
        id: row.id,
        displayName: row.display_name,
        role: row.role,
        presence: row.presence,
        onShift: row.on_shift,
        dutyOverride: row.duty_override,
        onDuty: scheduled && row.presence === 'available',
        load: row.load,
        capacity: row.capacity,
        idleSeconds: row.last_activity ? Math.max(0, Math.round((now.getTime() - row.last_activity.getTime()) / 1000)) : null,
      };
    });
  }

  /** Who an agent can hand a conversation to: the colleagues on duty now, least loaded first. */
  async colleagues(exceptAgentId: string): Promise<ColleagueView[]> {
    const agents = await this.agents();
    return agents
      .filter((agent) => agent.onDuty && agent.id !== exceptAgentId)
      .sort((a, b) => a.load / a.capacity - b.load / b.capacity)
      .map(({ id, displayName, presence, onDuty, load, capacity }) => ({ id, displayName, presence, onDuty, load, capacity }));
  }

  /** Shifts touching today or tomorrow (local days); a night shift appears on both days. */
  async roster(): Promise<RosterView> {
    const now = this.clock.now();
    const rows: { id: string; agent_id: string; display_name: string; starts_at: Date; ends_at: Date; today: boolean; tomorrow: boolean }[] =
      await this.dataSource.query(
        `WITH day AS (SELECT (date_trunc('day', $1::timestamptz AT TIME ZONE $2) AT TIME ZONE $2) AS start)
         SELECT s.id, s.agent_id, a.display_name, s.starts_at, s.ends_at,
                (s.starts_at < day.start + interval '1 day' AND s.ends_at > day.start) AS today,
                (s.starts_at < day.start + interval '2 days' AND s.ends_at > day.start + interval '1 day') AS tomorrow
           FROM shifts s JOIN agents a ON a.id = s.agent_id, day
          WHERE a.active AND s.starts_at < day.start + interval '2 days' AND s.ends_at > day.start
          ORDER BY s.starts_at, a.display_name`,
        [now, this.timeZone],
      );
    const view = (row: (typeof rows)[number]): RosterShiftView => ({
      id: row.id,
      agentId: row.agent_id,
      displayName: row.display_name,
      startsAt: row.starts_at.toISOString(),
      endsAt: row.ends_at.toISOString(),
    });
    return { today: rows.filter((row) => row.today).map(view), tomorrow: rows.filter((row) => row.tomorrow).map(view) };
  }

  /**
   * Conversations that arrived in [from, to): volumes per channel and queue, first-response time (arrival to first
   * agent reply), handling time (assignment to close) and abandonment.
   */
  /**
   * A period bound as the API receives it: a date alone (2026-12-01) is that day's midnight in the roster's zone, so
   * that a report "from the 1st" starts at the brigade's midnight wherever the deployment is; a full timestamp is
   * taken as it is.
   */
  instantOf(bound: string): Date {
    return /^\d{4}-\d{2}-\d{2}$/.test(bound) ? localToInstant(bound, '00:00', this.timeZone) : new Date(bound);
  }

  async report(from: Date, to: Date): Promise<ReportView> {
    if (!(from.getTime() < to.getTime())) throw new InvalidInputError('La période est vide : « from » doit précéder « to »');
    if (to.getTime() - from.getTime() > MAX_REPORT_DAYS * 86_400_000) {
      throw new InvalidInputError(`La période dépasse ${MAX_REPORT_DAYS} jours`);
    }
    const rows: {
      channel: string | null;
      queue: string | null;
      is_total: boolean;
      conversations: number;
      answered: number;
      abandoned: number;
      closed: number;
      avg_first_response: number | null;
      avg_handling: number | null;
    }[] = await this.dataSource.query(
      `SELECT channel, queue, GROUPING(channel, queue) = 3 AS is_total,
              count(*)::int AS conversations,
              count(*) FILTER (WHERE first_agent_reply_at IS NOT NULL)::int AS answered,
              count(*) FILTER (WHERE status = 'abandoned')::int AS abandoned,
              count(*) FILTER (WHERE status = 'closed')::int AS closed,
              avg(EXTRACT(EPOCH FROM first_agent_reply_at - created_at))::float8 AS avg_first_response,
              (avg(EXTRACT(EPOCH FROM closed_at - assigned_at)) FILTER (WHERE status = 'closed' AND assigned_at IS NOT NULL))::float8
                AS avg_handling
         FROM conversations WHERE created_at >= $1 AND created_at < $2
        GROUP BY GROUPING SETS ((channel, queue), ())
        ORDER BY is_total, channel, queue`,
      [from, to],
    );
    const toRow = (row: (typeof rows)[number]): ReportRow => ({
      channel: row.channel ?? '',
      queue: row.queue ?? '',
      conversations: row.conversations,
      answered: row.answered,
      abandoned: row.abandoned,
      closed: row.closed,
      avgFirstResponseSeconds: numOrNull(row.avg_first_response),
      avgHandlingSeconds: numOrNull(row.avg_handling),
    });
    const total = rows.find((row) => row.is_total);
    const totals = total
      ? toRow(total)
      : toRow({ channel: '', queue: '', is_total: true, conversations: 0, answered: 0, abandoned: 0, closed: 0, avg_first_response: null, avg_handling: null });
    const { channel: _channel, queue: _queue, ...totalNumbers } = totals;
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      rows: rows.filter((row) => !row.is_total).map(toRow),
      totals: {
        ...totalNumbers,
        abandonmentRate: totals.conversations ? totals.abandoned / totals.conversations : null,
      },
    };
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { preparedStatement, runPrepared } from '@brigade/persistence';
import { Clock, localToInstant } from '@brigade/agents';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { ROUTABLE_SQL, SCHEDULED_SQL } from './routing.service';

/**
 * Service levels of a conversation whose queue has no row in the queues table: the table's column defaults, so such a
 * queue counts like one created without thresholds. Every queue with a row uses its own (read at each request).
 */
export const SERVICE_LEVEL_FALLBACK = { waitSeconds: 300, firstReplySeconds: 600 } as const;

/** Assignments over this window give the service rate the wait estimate is computed from. */
const THROUGHPUT_WINDOW_MS = 30 * 60_000;

export interface CitizenQueueStatus {
  conversationId: string;
  visitorId: string;
  /** 1 = next to be served, in the routing order (priority after aging, then wait). */
  queuePosition: number;
  /** Absent when nothing was served recently: no honest estimate exists. */
  estimatedWaitSeconds?: number;
}

/** A waiting social-channel conversation, its figures now and what its citizen was last told during this wait. */
export interface SocialQueueCandidate {
  conversationId: string;
  channel: string;
  /** The conversation's language: the status is told in it. */
  language: string;
  queuePosition: number;
  estimatedWaitSeconds?: number;
  lastCitizenMessageAt: Date | null;
  told: { at: Date; queuePosition: number; estimatedWaitSeconds: number | null } | null;
}

/** Which social conversations to read: the listed ones, or those an update might be due for (bounded). */
export type SocialCandidateFilter =
  | { conversationIds: string[] }
  | { dueFor: { minIntervalMs: number; waitChangeSeconds: number; limit: number; windowHours: Record<string, number> } };

/** One queue's service levels, from its row in the queues table, and the open conversations now past them. */
export interface QueueServiceLevel {
  queue: string;
  slaWaitSeconds: number;
  slaFirstReplySeconds: number;
  waiting: number;
  /** Waiting (since arrival or the last re-route) longer than slaWaitSeconds. */
  waitingOverSla: number;
  /** Open (waiting or assigned), no agent reply yet, arrived more than slaFirstReplySeconds ago. */
  awaitingFirstReplyOverSla: number;
}

export interface QueueOverview {
  at: string;
  waiting: {
    queue: string;
    priority: number;
    channel: string;
    count: number;
    longestWaitSeconds: number;
    /** The wait threshold of the queue, and how many of these conversations are past it. */
    slaWaitSeconds: number;
    overSla: number;
  }[];
  /** Every active queue and every queue holding open conversations, by key. */
  serviceLevels: QueueServiceLevel[];
  longestWaitSeconds: number;
  abandonedToday: number;
  agents: {
    id: string;
    displayName: string;
    presence: string;
    scheduled: boolean;
    routable: boolean;
    load: number;
    capacity: number;
  }[];
}

/** Waiting web chat conversations (all, or the listed ones) with their place in the queue, in routing order. */
const WEBCHAT_QUEUE_POSITIONS = preparedStatement(
  'webchat-queue-positions',
  `SELECT q.id, q.position, i.external_id FROM (
     SELECT c.id, c.channel, c.identity_id,
            row_number() OVER (ORDER BY
              CASE WHEN c.priority = 0 THEN 0
                   ELSE GREATEST(1, c.priority - floor(extract(epoch FROM ($1::timestamptz - c.waiting_since)) * 1000 / $2))
              END, c.waiting_since, c.id)::int AS position
       FROM conversations c WHERE c.status = 'waiting') q
     JOIN channel_identities i ON i.id = q.identity_id
    WHERE q.channel = 'webchat' AND ($3::uuid[] IS NULL OR q.id = ANY($3::uuid[]))`,
);

/** What the citizens and the supervisors see of the queue: positions, wait estimates, load, abandonment. */
/** The wait a conversation may reach: its queue's, or for the e-mail channel (contact form) its queue's hours. */
const EMAIL_AWARE_WAIT_SLA = `CASE WHEN c.channel = 'email' THEN COALESCE(q.email_sla_hours, 24) * 3600 ELSE COALESCE(q.sla_wait_seconds, $2) END`;

@Injectable()
export class QueueStatusService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The position and estimated wait of every waiting web chat conversation (or of the listed ones). */
  async citizenStatuses(conversationIds?: string[]): Promise<CitizenQueueStatus[]> {
    const now = this.clock.now();
    const { rows } = await runPrepared<{ id: string; position: number; external_id: string }>(
      this.dataSource,
      WEBCHAT_QUEUE_POSITIONS,
      [now, this.config.routing.agingStepMs, conversationIds ?? null],
    );
    if (rows.length === 0) return [];
    const perSecond = await this.serviceRatePerSecond(now);
    return rows.map((row) => ({
      conversationId: row.id,
      visitorId: row.external_id,
      queuePosition: row.position,
      ...(perSecond > 0 ? { estimatedWaitSeconds: Math.round(row.position / perSecond) } : {}),
    }));
  }

  /**
   * Waiting conversations of the social channels with their position, estimate and what was told during this wait.
   * Without ids, one read serves a whole tick: only conversations told already in this wait, past the interval, within
   * their channel's window and whose figures moved enough (the same tests as decideSocialQueueStatus, which decides),
   * nearest the head first, at most `limit`.
   */
  async socialCandidates(filter: SocialCandidateFilter): Promise<SocialQueueCandidate[]> {
    const now = this.clock.now();
    const perSecond = await this.serviceRatePerSecond(now);
    const ids = 'conversationIds' in filter ? filter.conversationIds : null;
    const due = 'dueFor' in filter ? filter.dueFor : null;
    const rows: {
      id: string;
      channel: string;
      language: string;
      position: number;
      last_citizen_message_at: Date | null;
      told_at: Date | null;
      told_position: number | null;
      told_wait_seconds: number | null;
      told_this_wait: boolean;
    }[] = await this.dataSource.query(
      `SELECT q.id, q.channel, q.language, q.position, q.last_citizen_message_at,
              q.queue_status_told_at AS told_at, q.queue_status_told_position AS told_position,
              q.queue_status_told_wait_seconds AS told_wait_seconds, q.told_this_wait
         FROM (
           SELECT c.id, c.channel, c.language, c.last_citizen_message_at, c.queue_status_told_at, c.queue_status_told_position,
                  c.queue_status_told_wait_seconds,
                  c.queue_status_told_at IS NOT NULL AND c.queue_status_told_for = c.waiting_since AS told_this_wait,
                  row_number() OVER (ORDER BY
                    CASE WHEN c.priority = 0 THEN 0
                         ELSE GREATEST(1, c.priority - floor(extract(epoch FROM ($1::timestamptz - c.waiting_since)) * 1000 / $2))
                    END, c.waiting_since, c.id)::int AS position
             FROM conversations c WHERE c.status = 'waiting') q
        WHERE q.channel NOT IN ('webchat', 'email')
          AND ($3::uuid[] IS NULL OR q.id = ANY($3::uuid[]))
          AND ($4::boolean IS NOT TRUE OR (
                q.told_this_wait
                AND q.queue_status_told_at <= $1::timestamptz - make_interval(secs => $5)
                AND (q.channel <> ALL($8::text[])
                     OR q.last_citizen_message_at >= $1::timestamptz - make_interval(hours => ($9::jsonb ->> q.channel)::int))
                AND (q.position * 2 <= q.queue_status_told_position
                     OR ($6::float8 > 0) <> (q.queue_status_told_wait_seconds IS NOT NULL)
                     OR ($6::float8 > 0 AND abs(round(q.position / $6::float8) - q.queue_status_told_wait_seconds) >= $7))))
        ORDER BY q.position
        LIMIT $10`,
      [
        now,
        this.config.routing.agingStepMs,
        ids,
        due !== null,
        (due?.minIntervalMs ?? 0) / 1000,
        perSecond,
        due?.waitChangeSeconds ?? 0,
        Object.keys(due?.windowHours ?? {}),
        JSON.stringify(due?.windowHours ?? {}),
        due?.limit ?? ids?.length ?? 0,
      ],
    );
    return rows.map((row) => ({
      conversationId: row.id,
      channel: row.channel,
      language: row.language,
      queuePosition: row.position,
      ...(perSecond > 0 ? { estimatedWaitSeconds: Math.round(row.position / perSecond) } : {}),
      lastCitizenMessageAt: row.last_citizen_message_at,
      told:
        row.told_this_wait && row.told_at && row.told_position !== null
          ? { at: row.told_at, queuePosition: row.told_position, estimatedWaitSeconds: row.told_wait_seconds }
          : null,
    }));
  }

  /** Conversations taken from the queue per second, over the last half hour. */
  async serviceRatePerSecond(now = this.clock.now()): Promise<number> {
    const [{ served }]: { served: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS served FROM assignments
        WHERE assigned_at > $1 AND assigned_at <= $2 AND reason NOT IN ('transfer', 'reassign')`,
      [new Date(now.getTime() - THROUGHPUT_WINDOW_MS), now],
    );
    return served / (THROUGHPUT_WINDOW_MS / 1000);
  }

  /** Conversations closed as abandoned since a given instant. */
  async abandonedSince(since: Date): Promise<number> {
    const [{ n }]: { n: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM conversations WHERE status = 'abandoned' AND closed_at >= $1`,
      [since],
    );
    return n;
  }

  /**
   * The live view of the supervisor: waiting per queue, priority and channel, each queue's service levels (its own
   * thresholds from the queues table) with what is past them, agents and their load.
   */
  async overview(): Promise<QueueOverview> {
    const now = this.clock.now();
    const fallback = [SERVICE_LEVEL_FALLBACK.waitSeconds, SERVICE_LEVEL_FALLBACK.firstReplySeconds];
    const waiting: QueueOverview['waiting'] = await this.dataSource.query(
      `SELECT c.queue, c.priority::int AS priority, c.channel, count(*)::int AS count,
              floor(extract(epoch FROM ($1::timestamptz - min(c.waiting_since))))::int AS "longestWaitSeconds",
              (${EMAIL_AWARE_WAIT_SLA})::int AS "slaWaitSeconds",
              count(*) FILTER (WHERE c.waiting_since <= $1::timestamptz - make_interval(secs => ${EMAIL_AWARE_WAIT_SLA}))::int
                AS "overSla"
         FROM conversations c LEFT JOIN queues q ON q.key = c.queue
        WHERE c.status = 'waiting'
        GROUP BY c.queue, c.priority, c.channel, q.sla_wait_seconds, q.email_sla_hours ORDER BY c.priority, c.queue, c.channel`,
      [now, fallback[0]],
    );
    const serviceLevels: QueueServiceLevel[] = await this.dataSource.query(
      `SELECT k.queue, COALESCE(q.sla_wait_seconds, $2)::int AS "slaWaitSeconds",
              COALESCE(q.sla_first_reply_seconds, $3)::int AS "slaFirstReplySeconds",
              count(c.id) FILTER (WHERE c.status = 'waiting')::int AS waiting,
              count(c.id) FILTER (WHERE c.status = 'waiting'
                AND c.waiting_since <= $1::timestamptz - make_interval(secs => ${EMAIL_AWARE_WAIT_SLA}))::int
                AS "waitingOverSla",
              count(c.id) FILTER (WHERE c.first_agent_reply_at IS NULL
                AND c.created_at <= $1::timestamptz - make_interval(secs =>
                      CASE WHEN c.channel = 'email' THEN COALESCE(q.email_sla_hours, 24) * 3600 ELSE COALESCE(q.sla_first_reply_seconds, $3) END))::int
                AS "awaitingFirstReplyOverSla"
         FROM (SELECT key AS queue FROM queues WHERE active
               UNION SELECT queue FROM conversations WHERE status IN ('waiting', 'assigned')) k
         LEFT JOIN queues q ON q.key = k.queue
         LEFT JOIN conversations c ON c.queue = k.queue AND c.status IN ('waiting', 'assigned')
        GROUP BY k.queue, q.sla_wait_seconds, q.sla_first_reply_seconds
        ORDER BY k.queue`,
      [now, ...fallback],
    );
    const agents: QueueOverview['agents'] = await this.dataSource.query(
      `SELECT a.id, a.display_name AS "displayName", a.presence, ${SCHEDULED_SQL} AS scheduled, ${ROUTABLE_SQL} AS routable,
              a.open_load AS load, a.capacity
         FROM agents a WHERE a.active ORDER BY a.display_name`,
      [now],
    );
    const localDate = new Intl.DateTimeFormat('en-CA', { timeZone: this.config.routing.rosterTimeZone }).format(now);
    return {
      at: now.toISOString(),
      waiting,
      serviceLevels,
      longestWaitSeconds: Math.max(0, ...waiting.map((w) => w.longestWaitSeconds)),
      abandonedToday: await this.abandonedSince(localToInstant(localDate, '00:00', this.config.routing.rosterTimeZone)),
      agents: agents.filter((agent) => agent.scheduled || agent.load > 0 || agent.presence !== 'offline'),
    };
  }
}

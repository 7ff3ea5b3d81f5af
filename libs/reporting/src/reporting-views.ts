/**
 * What the supervisor console reads (GET /api/supervisor/*, /api/reports): plain types with no runtime code,
 * shared by the server and the web app.
 */

/** A colleague an agent may transfer a conversation to (GET /api/desk/colleagues). */
export interface ColleagueView {
  id: string;
  displayName: string;
  presence: 'available' | 'away' | 'offline';
  onDuty: boolean;
  load: number;
  capacity: number;
}

export interface RosterShiftView {
  id: string;
  agentId: string;
  displayName: string;
  startsAt: string;
  endsAt: string;
}

export interface RosterView {
  today: RosterShiftView[];
  tomorrow: RosterShiftView[];
}

export interface ReportRow {
  channel: string;
  queue: string;
  conversations: number;
  answered: number;
  abandoned: number;
  closed: number;
  avgFirstResponseSeconds: number | null;
  avgHandlingSeconds: number | null;
}

export interface ReportView {
  from: string;
  to: string;
  totals: Omit<ReportRow, 'channel' | 'queue'> & { abandonmentRate: number | null };
  rows: ReportRow[];
}

/** One time slot of a queue's chart (GET /api/supervisor/history). */
export interface HistoryBucketView {
  /** The slot's first instant (ISO, UTC) and its wall-clock start in the interface's zone (ROSTER_TIME_ZONE). */
  start: string;
  local: string;
  /** Conversations that arrived in the slot. */
  arrivals: number;
  /** Of those, taken by a gendarme (first assignment), with the median and 90th percentile of their wait. */
  taken: number;
  medianWaitSeconds: number | null;
  p90WaitSeconds: number | null;
  /**
   * Share of the slot's arrivals taken within the queue's wait threshold, among those taken, abandoned, or still
   * waiting past the threshold; null when none counts yet.
   */
  serviceLevel: number | null;
  withinThreshold: number;
  counted: number;
}

export interface QueueHistoryView {
  /** Every queue: '*' for all queues together. */
  queue: string;
  buckets: HistoryBucketView[];
  /** Today (local day in the interface's zone) for the whole queue, as the wallboard shows it. */
  today: { arrivals: number; serviceLevel: number | null; withinThreshold: number; counted: number };
}

export interface HistoryView {
  from: string;
  to: string;
  timeZone: string;
  bucketMinutes: number;
  queues: QueueHistoryView[];
}

export type AgentState = 'offline' | 'away' | 'available' | 'busy';

/** One agent's states over the window (GET /api/supervisor/agent-timeline). */
export interface AgentTimelineView {
  agentId: string;
  displayName: string;
  role: 'agent' | 'supervisor' | 'admin';
  /** Consecutive, oldest first; a period before the first stored change is left out (unknown). */
  states: { state: AgentState; from: string; to: string }[];
  /** Periods on duty (roster shift or reinforcement, not taken off duty). */
  duty: { from: string; to: string }[];
}

export interface AgentTimelinesView {
  from: string;
  to: string;
  agents: AgentTimelineView[];
}

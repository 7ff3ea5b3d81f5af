/**
 * What the supervisor console reads (GET /api/supervisor/*, /api/reports): plain types with no runtime code,
 * shared by the server and the web app.
 */

export interface QueueBucket {
  queue: string;
  channel: string;
  priority: number;
  waiting: number;
  longestWaitSeconds: number;
}

export interface QueueLoadView {
  at: string;
  waiting: number;
  assigned: number;
  longestWaitSeconds: number;
  buckets: QueueBucket[];
  /**
   * Waiting longer than the waiting threshold, or assigned with the citizen unanswered past the reply threshold.
   * thresholdsFrom 'queues': each queue's own thresholds (byQueue), and the top-level ones apply only to conversations
   * of a queue without a row; 'request': the thresholds asked for, for every queue.
   */
  breaches: {
    waiting: number;
    unanswered: number;
    thresholdsFrom: 'queues' | 'request';
    waitThresholdSeconds: number;
    replyThresholdSeconds: number;
    byQueue: QueueBreaches[];
  };
  abandonedToday: number;
  closedToday: number;
  /** The last 12 hours, oldest first: conversations that arrived, and assignments made, in each hour. */
  hourly: { hour: string; arrivals: number; assignments: number }[];
  /** Currently waiting conversations by how long they have waited. */
  waitDistribution: { label: string; fromSeconds: number; toSeconds: number | null; count: number }[];
  /** Open conversations, waiting ones first (by priority then wait), at most 100: what a supervisor can open or move. */
  open: OpenConversationView[];
}

/** One queue's thresholds and the open conversations past them; every active queue and every queue with open ones. */
export interface QueueBreaches {
  queue: string;
  waitThresholdSeconds: number;
  replyThresholdSeconds: number;
  waiting: number;
  unanswered: number;
}

export interface OpenConversationView {
  id: string;
  channel: string;
  queue: string;
  priority: number;
  status: 'waiting' | 'assigned';
  assigneeId: string | null;
  assigneeName: string | null;
  waitingSince: string;
  assignedAt: string | null;
}

/** A colleague an agent may transfer a conversation to (GET /api/desk/colleagues). */
export interface ColleagueView {
  id: string;
  displayName: string;
  presence: 'available' | 'away' | 'offline';
  onDuty: boolean;
  load: number;
  capacity: number;
}

export interface AgentLoadView {
  id: string;
  displayName: string;
  role: 'agent' | 'supervisor' | 'admin';
  presence: 'available' | 'away' | 'offline';
  onShift: boolean;
  dutyOverride: 'on' | 'off' | null;
  onDuty: boolean;
  load: number;
  capacity: number;
  /** Seconds since the agent's last assignment or reply; null when they have done neither. */
  idleSeconds: number | null;
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

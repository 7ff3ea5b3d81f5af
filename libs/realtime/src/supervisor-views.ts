/**
 * The supervisor's live view (GET /api/supervisor/overview and the `supervisor:snapshot` socket event): plain types
 * with no runtime code, shared by the server and the desk web app. They belong to the socket contract, which the
 * reporting lib fills; the other views of the supervisor console are in libs/reporting/src/reporting-views.ts.
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

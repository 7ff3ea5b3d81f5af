// The server's contract, imported as types only: socket events and REST payloads come from the same files the
// server compiles, so a change on one side breaks the build of the other.
export type {
  CannedReplyView,
  DeskAssignmentEvent,
  DeskContactHistoryView,
  DeskClientToServerEvents,
  DeskConversationView,
  DeskListScope,
  DeskMessageView,
  DeskSearchHitView,
  DeskSearchResultView,
  DeskQueueView,
  DeskServerToClientEvents,
  DeliveryStatusValue,
  PresenceValue,
  QueueStatusEvent,
  SurgeReinforcementEvent,
  SurgeView,
} from '../../../../libs/realtime/src/events';
export type { AgentLoadView, QueueLoadView } from '../../../../libs/realtime/src/supervisor-views';
export type {
  AgentState,
  AgentTimelinesView,
  AgentTimelineView,
  HistoryBucketView,
  HistoryView,
  QueueHistoryView,
  ReportView,
  RosterView,
} from '../../../../libs/reporting/src/reporting-views';

/** GET /api/me and PUT /api/me/presence (AgentsService.status, with the deployment's zone). */
export interface MeView {
  id: string;
  displayName: string;
  role: 'agent' | 'supervisor' | 'admin';
  presence: 'available' | 'away' | 'offline';
  onShift: boolean;
  onDuty: boolean;
  capacity: number;
  /** ROSTER_TIME_ZONE (IANA name): rosters, "today" and report days are written in it. */
  timeZone: string;
}

export interface LoginResult {
  accessToken: string;
}

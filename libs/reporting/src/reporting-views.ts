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

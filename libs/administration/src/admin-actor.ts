import type { AgentPrincipal } from '@brigade/agents';
import type { AuditEntry } from '@brigade/audit';

/** The audit entry of an administrator's or supervisor's action. */
export function auditBy(
  actor: AgentPrincipal,
  action: string,
  subjectType: string,
  subjectId: string | null,
  details: Record<string, unknown> = {},
): AuditEntry {
  return { actorType: 'agent', actorId: actor.agentId, action, subjectType, subjectId, details };
}

/** One problem of an import, by line and field, so that the file can be fixed in one pass. */
export interface ImportProblem {
  line: number;
  field: string;
  message: string;
}

export interface ImportReport {
  dryRun: boolean;
  /** Rows that would be (dry run) or were written. */
  rows: number;
  created: number;
  updated: number;
  errors: ImportProblem[];
}

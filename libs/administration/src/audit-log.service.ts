import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { toCsv } from './csv';

export interface AuditFilter {
  /** Agent id of whoever acted. */
  actor?: string;
  /** Exact action, or a prefix ending with '.' (e.g. 'agent.'). */
  action?: string;
  /** Subject id, or 'type:id', or a subject type alone. */
  subject?: string;
  from?: Date;
  to?: Date;
}

export interface AuditRow {
  id: string;
  at: Date;
  actorType: string;
  actorId: string | null;
  actorName: string | null;
  action: string;
  subjectType: string;
  subjectId: string | null;
  details: Record<string, unknown>;
}

export const AUDIT_PAGE_SIZE = 100;
const EXPORT_LIMIT = 100_000;

/** Reads the audit log (who did what, who read what), newest first, by page or as CSV. */
@Injectable()
export class AuditLogService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async page(filter: AuditFilter, page = 1): Promise<{ page: number; pageSize: number; total: number; events: AuditRow[] }> {
    const { where, params } = whereOf(filter);
    const [{ total }] = await this.dataSource.query(`SELECT count(*)::int AS total FROM audit_events e WHERE ${where}`, params);
    const events = await this.rows(where, params, AUDIT_PAGE_SIZE, (page - 1) * AUDIT_PAGE_SIZE);
    return { page, pageSize: AUDIT_PAGE_SIZE, total, events };
  }

  async csv(filter: AuditFilter): Promise<string> {
    const { where, params } = whereOf(filter);
    const events = await this.rows(where, params, EXPORT_LIMIT, 0);
    return toCsv(
      ['at', 'actor_type', 'actor_id', 'actor_name', 'action', 'subject_type', 'subject_id', 'details'],
      events.map((e) => [e.at, e.actorType, e.actorId, e.actorName, e.action, e.subjectType, e.subjectId, JSON.stringify(e.details)]),
    );
  }

  private async rows(where: string, params: unknown[], limit: number, offset: number): Promise<AuditRow[]> {
    const rows = await this.dataSource.query(
      `SELECT e.id, e.at, e.actor_type, e.actor_id, a.display_name AS actor_name, e.action, e.subject_type, e.subject_id, e.details
         FROM audit_events e LEFT JOIN agents a ON e.actor_type = 'agent' AND a.id::text = e.actor_id
        WHERE ${where} ORDER BY e.at DESC, e.id DESC LIMIT ${limit} OFFSET ${offset}`,
      params,
    );
    return rows.map((row: Record<string, unknown>) => ({
      id: row.id as string,
      at: row.at as Date,
      actorType: row.actor_type as string,
      actorId: row.actor_id as string | null,
      actorName: row.actor_name as string | null,
      action: row.action as string,
      subjectType: row.subject_type as string,
      subjectId: row.subject_id as string | null,
      details: row.details as Record<string, unknown>,
    }));
  }
}

function whereOf(filter: AuditFilter): { where: string; params: unknown[] } {
  const clauses: string[] = ['true'];
  const params: unknown[] = [];
  const add = (clause: (n: string) => string, value: unknown) => {
    params.push(value);
    clauses.push(clause(`$${params.length}`));
  };
  if (filter.actor) add((p) => `e.actor_id = ${p}`, filter.actor);
  if (filter.action) {
    if (filter.action.endsWith('.')) add((p) => `starts_with(e.action, ${p})`, filter.action);
    else add((p) => `e.action = ${p}`, filter.action);
  }
  if (filter.subject) {
    const [type, id] = filter.subject.includes(':') ? filter.subject.split(/:(.*)/s) : [null, filter.subject];
    if (type) {
      add((p) => `e.subject_type = ${p}`, type);
      add((p) => `e.subject_id = ${p}`, id);
    } else {
      add((p) => `(e.subject_id = ${p} OR e.subject_type = ${p})`, id);
    }
  }
  if (filter.from) add((p) => `e.at >= ${p}`, filter.from);
  if (filter.to) add((p) => `e.at < ${p}`, filter.to);
  return { where: clauses.join(' AND '), params };
}

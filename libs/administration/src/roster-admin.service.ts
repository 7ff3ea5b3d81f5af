import { Inject, Injectable } from '@nestjs/common';
import { InvalidInputError, NotFoundError } from '@brigade/errors';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AgentPrincipal, LocalShift, Shift, localToInstant, shiftInstants } from '@brigade/agents';
import { AuditService } from '@brigade/audit';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { ImportProblem, ImportReport, auditBy } from './admin-actor';
import { parseCsv, toCsv } from './csv';
import { LOCAL_TIME, addDays, daysBetween, instantToLocal, isLocalDate, isoWeekday, mondayOf } from './local-time';
import { RoutingRefresh } from './routing-refresh';

export interface ShiftView extends LocalShift {
  id: string;
  agentId: string;
  agentName: string;
  login: string;
  startsAt: Date;
  endsAt: Date;
}

export interface WeekView {
  /** Monday and Sunday of the week, local dates. */
  from: string;
  to: string;
  timeZone: string;
  shifts: ShiftView[];
}

/** A repeat pattern: the same slots every selected weekday of a date range (e.g. 06-14, 14-22, 22-06). */
export interface RepeatPattern {
  from: string;
  to: string;
  /** ISO weekdays (1 Monday ... 7 Sunday); every day when absent. */
  weekdays?: number[];
  slots: { start: string; end: string; agentIds: string[] }[];
}

/** Longest range a pattern or an export may cover: a quarter. */
const MAX_RANGE_DAYS = 92;
const CSV_HEADER = ['login', 'date', 'start', 'end'];

interface PlannedShift {
  agentId: string;
  startsAt: Date;
  endsAt: Date;
}

/** The roster: shifts by week in local time, repeat patterns, week copies, CSV import and export. */
@Injectable()
export class RosterAdminService {
  private readonly timeZone: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly audit: AuditService,
    private readonly routing: RoutingRefresh,
  ) {
    this.timeZone = config.routing.rosterTimeZone;
  }

  /** The week holding a local date (today in the roster's zone when absent): every shift that starts in it. */
  async week(anyDay?: string): Promise<WeekView> {
    const from = mondayOf(anyDay ?? instantToLocal(new Date(), this.timeZone).date);
    return { from, to: addDays(from, 6), timeZone: this.timeZone, shifts: await this.shiftsStarting(from, addDays(from, 7)) };
  }

  async create(actor: AgentPrincipal, agentId: string, local: LocalShift): Promise<ShiftView> {
    const id = await this.dataSource.transaction(async (manager) => {
      const planned = { agentId, ...this.instants(local) };
      await this.assertActiveAgent(manager, agentId);
      await this.assertNoOverlap(manager, planned);
      const shift = await manager.getRepository(Shift).save(planned);
      await this.audit.record(auditBy(actor, 'shift.create', 'shift', shift.id, { agentId, ...local }), manager);
      return shift.id;
    });
    await this.routing.afterChange('roster-changed');
    return this.get(id);
  }

  async update(actor: AgentPrincipal, id: string, changes: Partial<LocalShift> & { agentId?: string }): Promise<ShiftView> {
    await this.dataSource.transaction(async (manager) => {
      const before = await manager.getRepository(Shift).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!before) throw new NotFoundError('Service introuvable');
      const current = this.toLocal(before);
      const local = { date: changes.date ?? current.date, start: changes.start ?? current.start, end: changes.end ?? current.end };
      const planned = { agentId: changes.agentId ?? before.agentId, ...this.instants(local) };
      if (changes.agentId) await this.assertActiveAgent(manager, changes.agentId);
      await this.assertNoOverlap(manager, planned, id);
      await manager.getRepository(Shift).update({ id }, planned);
      await this.audit.record(
        auditBy(actor, 'shift.update', 'shift', id, { before: { agentId: before.agentId, ...current }, after: { agentId: planned.agentId, ...local } }),
        manager,
      );
    });
    await this.routing.afterChange('roster-changed');
    return this.get(id);
  }

  async remove(actor: AgentPrincipal, id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const shift = await manager.getRepository(Shift).findOneBy({ id });
      if (!shift) throw new NotFoundError('Service introuvable');
      await manager.getRepository(Shift).delete({ id });
      await this.audit.record(auditBy(actor, 'shift.delete', 'shift', id, { agentId: shift.agentId, ...this.toLocal(shift) }), manager);
    });
    await this.routing.afterChange('roster-changed');
  }

  /** Creates every shift of a repeat pattern in one transaction; a shift that would overlap refuses the whole pattern. */
  async applyPattern(actor: AgentPrincipal, pattern: RepeatPattern): Promise<{ created: number }> {
    const span = daysBetween(pattern.from, pattern.to);
    if (span < 0) throw new InvalidInputError('to must be on or after from');
    if (span >= MAX_RANGE_DAYS) throw new InvalidInputError(`to: a pattern covers at most ${MAX_RANGE_DAYS} days`);
    const planned: PlannedShift[] = [];
    for (let day = 0; day <= span; day++) {
      const date = addDays(pattern.from, day);
      if (pattern.weekdays && !pattern.weekdays.includes(isoWeekday(date))) continue;
      for (const slot of pattern.slots) {
        for (const agentId of slot.agentIds) planned.push({ agentId, ...this.instants({ date, start: slot.start, end: slot.end }) });
      }
    }
    const created = await this.dataSource.transaction(async (manager) => {
      for (const agentId of new Set(planned.map((p) => p.agentId))) await this.assertActiveAgent(manager, agentId);
      const problems = await this.overlaps(manager, planned);
      if (problems.length > 0) throw new InvalidInputError(problems.map((p) => `slots: ${p}`));
      if (planned.length > 0) await manager.getRepository(Shift).insert(planned);
      await this.audit.record(auditBy(actor, 'roster.pattern', 'roster', null, { ...pattern, created: planned.length }), manager);
      return planned.length;
    });
    await this.routing.afterChange('roster-changed');
    return { created };
  }

  /**
   * Copies the shifts of one week onto another at the same local times (so a copy across a daylight-saving change
   * keeps "22:00 to 06:00"); a shift already there is not doubled.
   */
  async copyWeek(actor: AgentPrincipal, fromDay: string, toDay: string): Promise<{ created: number; skipped: number }> {
    const source = mondayOf(fromDay);
    const target = mondayOf(toDay);
    if (source === target) throw new InvalidInputError('toWeek must be another week than fromWeek');
    const offset = daysBetween(source, target);
    const shifts = await this.shiftsStarting(source, addDays(source, 7));
    const result = await this.dataSource.transaction(async (manager) => {
      const planned: PlannedShift[] = [];
      let skipped = 0;
      for (const shift of shifts) {
        const next = { agentId: shift.agentId, ...this.instants({ date: addDays(shift.date, offset), start: shift.start, end: shift.end }) };
        const clash = await this.overlaps(manager, [next]);
        if (clash.length > 0) skipped++;
        else planned.push(next);
      }
      if (planned.length > 0) await manager.getRepository(Shift).insert(planned);
      await this.audit.record(auditBy(actor, 'roster.copy-week', 'roster', null, { fromWeek: source, toWeek: target, created: planned.length, skipped }), manager);
      return { created: planned.length, skipped };
    });
    await this.routing.afterChange('roster-changed');
    return result;
  }

  async exportCsv(from: string, to: string): Promise<string> {
    const span = daysBetween(from, to);
    if (span < 0 || span >= MAX_RANGE_DAYS) throw new InvalidInputError(`to must be on or after from, at most ${MAX_RANGE_DAYS} days later`);
    const shifts = await this.shiftsStarting(from, addDays(to, 1));
    return toCsv(CSV_HEADER, shifts.map((s) => [s.login, s.date, s.start, s.end]));
  }

  /**
   * Adds shifts from a CSV file (login,date,start,end in local time). Every line is checked first and every problem
   * reported with its line; the dry run stops there, the real run writes all the shifts in one transaction or none.
   */
  async importCsv(actor: AgentPrincipal, csv: string, dryRun: boolean): Promise<ImportReport> {
    const parsed = parseCsv(csv);
    const errors: ImportProblem[] = [];
    const header = parsed[0]?.fields.map((field) => field.trim().toLowerCase());
    if (!header || CSV_HEADER.some((column) => !header.includes(column))) {
      errors.push({ line: parsed[0]?.line ?? 1, field: 'header', message: `the first line must name the columns ${CSV_HEADER.join(',')}` });
      return this.failOrReport(dryRun, 0, errors);
    }
    if (parsed.length < 2) errors.push({ line: 1, field: 'file', message: 'no shift in the file' });
    const logins = parsed.slice(1).map(({ fields }) => (fields[header.indexOf('login')] ?? '').trim().toLowerCase());
    const agents = new Map<string, { id: string; active: boolean }>(
      (await this.dataSource.query(`SELECT id, login, active FROM agents WHERE login = ANY($1)`, [logins])).map(
        (row: { id: string; login: string; active: boolean }) => [row.login, row],
      ),
    );
    const planned: (PlannedShift & { line: number })[] = [];
    for (const { line, fields } of parsed.slice(1)) {
      const value = (column: string) => (fields[header.indexOf(column)] ?? '').trim();
      const problem = (field: string, message: string) => errors.push({ line, field, message });
      if (fields.length !== header.length) problem('row', `expected ${header.length} fields, found ${fields.length}`);
      const login = value('login').toLowerCase();
      const agent = agents.get(login);
      if (!agent) problem('login', `no agent "${login}"`);
      else if (!agent.active) problem('login', `agent "${login}" is deactivated`);
      const date = value('date');
      const start = value('start');
      const end = value('end');
      const dateOk = isLocalDate(date);
      if (!dateOk) problem('date', `"${date}" is not a date YYYY-MM-DD`);
      if (!LOCAL_TIME.test(start)) problem('start', `"${start}" is not a time HH:mm`);
      if (!LOCAL_TIME.test(end)) problem('end', `"${end}" is not a time HH:mm`);
      if (agent?.active && dateOk && LOCAL_TIME.test(start) && LOCAL_TIME.test(end)) {
        const next = { line, agentId: agent.id, ...this.instants({ date, start, end }) };
        const twin = planned.find((p) => p.agentId === next.agentId && p.startsAt < next.endsAt && next.startsAt < p.endsAt);
        if (twin) problem('start', `overlaps the shift of line ${twin.line}`);
        planned.push(next);
      }
    }
    const existing = await this.overlaps(this.dataSource.manager, planned);
    planned.forEach((shift, index) => {
      const clash = existing.find((message) => message.startsWith(`#${index}:`));
      if (clash) errors.push({ line: shift.line, field: 'start', message: clash.replace(/^#\d+: /, '') });
    });
    errors.sort((a, b) => a.line - b.line);
    const rows = parsed.length - 1;
    if (dryRun || errors.length > 0) return this.failOrReport(dryRun, rows, errors);
    await this.dataSource.transaction(async (manager) => {
      // Checked again under the transaction: a shift added meanwhile must not end up doubled.
      const late = await this.overlaps(manager, planned);
      if (late.length > 0) throw new InvalidInputError(late);
      await manager.getRepository(Shift).insert(planned.map(({ agentId, startsAt, endsAt }) => ({ agentId, startsAt, endsAt })));
      await this.audit.record(auditBy(actor, 'roster.import', 'roster', null, { created: planned.length }), manager);
    });
    await this.routing.afterChange('roster-changed');
    return { dryRun, rows, created: planned.length, updated: 0, errors: [] };
  }

  private failOrReport(dryRun: boolean, rows: number, errors: ImportProblem[]): ImportReport {
    const report = { dryRun, rows, created: 0, updated: 0, errors };
    if (!dryRun && errors.length > 0) throw new InvalidInputError('The file has errors: nothing was written', { ...report });
    return { ...report, created: errors.length ? 0 : rows };
  }

  private async get(id: string): Promise<ShiftView> {
    const [view] = await this.shiftViews(`s.id = $1`, [id]);
    if (!view) throw new NotFoundError('Service introuvable');
    return view;
  }

  private shiftsStarting(fromDate: string, toDateExclusive: string): Promise<ShiftView[]> {
    return this.shiftViews(`s.starts_at >= $1 AND s.starts_at < $2`, [
      localToInstant(fromDate, '00:00', this.timeZone),
      localToInstant(toDateExclusive, '00:00', this.timeZone),
    ]);
  }

  private async shiftViews(where: string, params: unknown[]): Promise<ShiftView[]> {
    const rows: { id: string; agent_id: string; display_name: string; login: string; starts_at: Date; ends_at: Date }[] =
      await this.dataSource.query(
        `SELECT s.id, s.agent_id, a.display_name, a.login, s.starts_at, s.ends_at
           FROM shifts s JOIN agents a ON a.id = s.agent_id WHERE ${where} ORDER BY s.starts_at, a.display_name`,
        params,
      );
    return rows.map((row) => ({
      id: row.id,
      agentId: row.agent_id,
      agentName: row.display_name,
      login: row.login,
      startsAt: row.starts_at,
      endsAt: row.ends_at,
      ...this.toLocal({ startsAt: row.starts_at, endsAt: row.ends_at }),
    }));
  }

  private toLocal(shift: { startsAt: Date; endsAt: Date }): LocalShift {
    const start = instantToLocal(shift.startsAt, this.timeZone);
    return { date: start.date, start: start.time, end: instantToLocal(shift.endsAt, this.timeZone).time };
  }

  private instants(local: LocalShift): { startsAt: Date; endsAt: Date } {
    if (!isLocalDate(local.date)) throw new InvalidInputError(`date: "${local.date}" is not a date YYYY-MM-DD`);
    if (!LOCAL_TIME.test(local.start)) throw new InvalidInputError(`start: "${local.start}" is not a time HH:mm`);
    if (!LOCAL_TIME.test(local.end)) throw new InvalidInputError(`end: "${local.end}" is not a time HH:mm`);
    return shiftInstants(local, this.timeZone);
  }

  private async assertActiveAgent(manager: EntityManager, agentId: string): Promise<void> {
    const [row] = await manager.query(`SELECT active FROM agents WHERE id = $1`, [agentId]);
    if (!row) throw new NotFoundError(`agentId: no agent ${agentId}`);
    if (!row.active) throw new InvalidInputError(`agentId: agent ${agentId} is deactivated`);
  }

  private async assertNoOverlap(manager: EntityManager, shift: PlannedShift, exceptId?: string): Promise<void> {
    const clash = await this.overlaps(manager, [shift], exceptId);
    if (clash.length > 0) throw new InvalidInputError(clash.map((message) => `start: ${message.replace(/^#\d+: /, '')}`));
  }

  /** "#index: message" for each planned shift that overlaps a stored shift of the same agent. */
  private async overlaps(manager: EntityManager, planned: PlannedShift[], exceptId?: string): Promise<string[]> {
    if (planned.length === 0) return [];
    const rows: { index: number; starts_at: Date; ends_at: Date }[] = await manager.query(
      `SELECT (p.index - 1)::int AS index, s.starts_at, s.ends_at
         FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[]) WITH ORDINALITY AS p(agent_id, starts_at, ends_at, index)
         JOIN shifts s ON s.agent_id = p.agent_id AND s.starts_at < p.ends_at AND p.starts_at < s.ends_at
        WHERE $4::uuid IS NULL OR s.id <> $4
        ORDER BY p.index`,
      [planned.map((p) => p.agentId), planned.map((p) => p.startsAt), planned.map((p) => p.endsAt), exceptId ?? null],
    );
    return rows.map((row) => {
      const local = this.toLocal({ startsAt: row.starts_at, endsAt: row.ends_at });
      return `#${row.index}: overlaps the agent's shift of ${local.date} ${local.start}-${local.end}`;
    });
  }
}

import { Injectable } from '@nestjs/common';
import { ConflictError, InvalidInputError, NotFoundError } from '@brigade/errors';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AGENT_ROLES, Agent, AgentPrincipal, AgentRole, AuthService } from '@brigade/agents';
import { AuditService } from '@brigade/audit';
import { ImportProblem, ImportReport, auditBy } from './admin-actor';
import { parseCsv, toCsv } from './csv';
import { IssuedResetCode, PasswordResetService } from './password-reset.service';
import { RoutingRefresh } from './routing-refresh';

export const LOGIN_PATTERN = /^[a-z0-9][a-z0-9._-]{2,49}$/;
export const SKILL_PATTERN = /^[a-z][a-z0-9-]{1,39}$/;
export const LANGUAGE_PATTERN = /^[a-z]{2}$/;
export const MAX_CAPACITY = 50;

export interface AgentView {
  id: string;
  login: string;
  displayName: string;
  role: AgentRole;
  skills: string[];
  languages: string[];
  capacity: number;
  active: boolean;
  presence: string;
  onShift: boolean;
  /** On the surge reserve list. */
  reserve: boolean;
  email: string | null;
  createdAt: Date;
}

export interface AgentChanges {
  displayName?: string;
  role?: AgentRole;
  skills?: string[];
  languages?: string[];
  capacity?: number;
  reserve?: boolean;
  email?: string | null;
}

export interface NewAgent extends Required<Omit<AgentChanges, 'skills' | 'languages' | 'capacity' | 'role' | 'reserve' | 'email'>> {
  login: string;
  role?: AgentRole;
  skills?: string[];
  languages?: string[];
  capacity?: number;
  reserve?: boolean;
  email?: string | null;
  /** Without one, the answer carries a one-time code for the agent to choose their password. */
  password?: string;
}

export interface AgentFilter {
  q?: string;
  role?: AgentRole;
  active?: boolean;
}

const CSV_HEADER = ['login', 'display_name', 'role', 'skills', 'languages', 'capacity', 'active'];

const list = (value: string) =>
  value
    .split(/[;|]/)
    .map((item) => item.trim().toLowerCase())
    .filter(Boolean);

/** The people: create, edit, deactivate (never delete: history keeps its author), search, CSV import and export. */
@Injectable()
export class AgentsAdminService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly resets: PasswordResetService,
    private readonly routing: RoutingRefresh,
  ) {}

  async list(filter: AgentFilter = {}): Promise<AgentView[]> {
    const rows = await this.dataSource.query(
      `SELECT a.*, EXISTS (SELECT 1 FROM shifts s WHERE s.agent_id = a.id AND s.starts_at <= now() AND s.ends_at > now()) AS on_shift
         FROM agents a
        WHERE ($1::text IS NULL OR a.login ILIKE $1 OR a.display_name ILIKE $1 OR $2 = ANY(a.skills))
          AND ($3::text IS NULL OR a.role = $3) AND ($4::boolean IS NULL OR a.active = $4)
        ORDER BY a.display_name, a.login LIMIT 1000`,
      [filter.q ? `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null, filter.q?.toLowerCase() ?? null, filter.role ?? null, filter.active ?? null],
    );
    return rows.map(toView);
  }

  async get(id: string): Promise<AgentView> {
    const rows = await this.dataSource.query(
      `SELECT a.*, EXISTS (SELECT 1 FROM shifts s WHERE s.agent_id = a.id AND s.starts_at <= now() AND s.ends_at > now()) AS on_shift
         FROM agents a WHERE a.id = $1`,
      [id],
    );
    if (!rows[0]) throw new NotFoundError('Agent introuvable');
    return toView(rows[0]);
  }

  async create(actor: AgentPrincipal, input: NewAgent): Promise<{ agent: AgentView; resetCode: IssuedResetCode | null }> {
    const login = input.login.toLowerCase();
    // Without a password the account gets an unusable hash until the agent redeems the code.
    const passwordHash = await AuthService.hashPassword(input.password ?? randomUnusablePassword());
    const { id, resetCode } = await this.dataSource.transaction(async (manager) => {
      if (await manager.getRepository(Agent).existsBy({ login })) throw new ConflictError(`login: "${login}" is already taken`);
      const created = await manager.getRepository(Agent).save({
        login,
        displayName: input.displayName,
        role: input.role ?? 'agent',
        skills: input.skills ?? ['general'],
        languages: input.languages ?? ['fr'],
        capacity: input.capacity ?? 4,
        reserve: input.reserve ?? false,
        email: input.email ?? null,
        passwordHash,
      });
      await this.audit.record(auditBy(actor, 'agent.create', 'agent', created.id, { login, role: created.role }), manager);
      const code = input.password ? null : await this.resets.issue(actor, created.id, manager);
      return { id: created.id, resetCode: code };
    });
    await this.routing.afterChange('agent-created');
    return { agent: await this.get(id), resetCode };
  }

  async update(actor: AgentPrincipal, id: string, changes: AgentChanges): Promise<AgentView> {
    await this.dataSource.transaction(async (manager) => {
      const before = await manager.getRepository(Agent).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!before) throw new NotFoundError('Agent introuvable');
      if (changes.role && changes.role !== 'admin' && before.role === 'admin') await this.keepAnAdmin(manager, id);
      const patch = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
      if (Object.keys(patch).length === 0) return;
      await manager.getRepository(Agent).update({ id }, patch);
      const previous = Object.fromEntries(Object.keys(patch).map((key) => [key, before[key as keyof Agent]]));
      await this.audit.record(auditBy(actor, 'agent.update', 'agent', id, { before: previous, after: patch }), manager);
    });
    await this.routing.afterChange('agent-updated');
    return this.get(id);
  }

  /** Closes every session and hands the agent's conversations back to the queue; the account and its history stay. */
  async deactivate(actor: AgentPrincipal, id: string): Promise<AgentView> {
    await this.dataSource.transaction(async (manager) => {
      const agent = await manager.getRepository(Agent).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!agent) throw new NotFoundError('Agent introuvable');
      if (!agent.active) return;
      if (agent.role === 'admin') await this.keepAnAdmin(manager, id);
      await manager.query(`UPDATE agents SET active = false, presence = 'offline', duty_override = NULL WHERE id = $1`, [id]);
      await manager.query(`UPDATE auth_sessions SET revoked_at = now() WHERE agent_id = $1 AND revoked_at IS NULL`, [id]);
      await manager.query(`UPDATE password_reset_codes SET used_at = now() WHERE agent_id = $1 AND used_at IS NULL`, [id]);
      await this.audit.record(auditBy(actor, 'agent.deactivate', 'agent', id), manager);
    });
    await this.routing.afterChange('agent-deactivated');
    return this.get(id);
  }

  async reactivate(actor: AgentPrincipal, id: string): Promise<AgentView> {
    const result = await this.dataSource.getRepository(Agent).update({ id, active: false }, { active: true, failedLoginCount: 0, lockedUntil: null });
    if (result.affected) await this.audit.record(auditBy(actor, 'agent.reactivate', 'agent', id));
    return this.get(id);
  }

  issueResetCode(actor: AgentPrincipal, id: string): Promise<IssuedResetCode> {
    return this.resets.issue(actor, id);
  }

  async exportCsv(): Promise<string> {
    const agents = await this.dataSource.getRepository(Agent).find({ order: { login: 'ASC' } });
    return toCsv(
      CSV_HEADER,
      agents.map((a) => [a.login, a.displayName, a.role, a.skills.join(';'), a.languages.join(';'), a.capacity, a.active]),
    );
  }

  /**
   * Creates or updates agents by login from a CSV file. Every line is checked first and every problem reported with
   * its line; the dry run stops there, the real run writes everything in one transaction or nothing.
   */
  async importCsv(actor: AgentPrincipal, csv: string, dryRun: boolean): Promise<ImportReport & { resetCodes: { login: string; code: string; expiresAt: Date }[] }> {
    const { rows, errors } = this.checkCsv(csv);
    const existing = new Set<string>(
      (await this.dataSource.query(`SELECT login FROM agents WHERE login = ANY($1)`, [rows.map((row) => row.login)])).map(
        (row: { login: string }) => row.login,
      ),
    );
    const created = rows.filter((row) => !existing.has(row.login)).length;
    const report = { dryRun, rows: rows.length, created, updated: rows.length - created, errors, resetCodes: [] as { login: string; code: string; expiresAt: Date }[] };
    if (dryRun) return report;
    if (errors.length > 0) throw new InvalidInputError('The file has errors: nothing was written', { ...report });
    const placeholder = await AuthService.hashPassword(randomUnusablePassword());
    await this.dataSource.transaction(async (manager) => {
      for (const row of rows) {
        const { login, active, line: _line, ...fields } = row;
        const [found] = await manager.query(`SELECT id, role, active FROM agents WHERE login = $1 FOR UPDATE`, [login]);
        if (found) {
          await manager.getRepository(Agent).update({ id: found.id }, { ...fields, active });
          if (found.active && !active) {
            await manager.query(`UPDATE agents SET presence = 'offline' WHERE id = $1`, [found.id]);
            await manager.query(`UPDATE auth_sessions SET revoked_at = now() WHERE agent_id = $1 AND revoked_at IS NULL`, [found.id]);
          }
        } else {
          const agent = await manager.getRepository(Agent).save({ login, ...fields, active, passwordHash: placeholder });
          if (active) {
            const issued = await this.resets.issue(actor, agent.id, manager);
            report.resetCodes.push({ login, code: issued.code, expiresAt: issued.expiresAt });
          }
        }
      }
      const [{ admins }] = await manager.query(`SELECT count(*)::int AS admins FROM agents WHERE role = 'admin' AND active`);
      if (admins === 0) throw new InvalidInputError('role: the file would leave no active administrator');
      await this.audit.record(auditBy(actor, 'agents.import', 'agent', null, { created: report.created, updated: report.updated }), manager);
    });
    await this.routing.afterChange('agents-imported');
    return report;
  }

  private checkCsv(csv: string) {
    const parsed = parseCsv(csv);
    const errors: ImportProblem[] = [];
    const rows: (Required<Omit<AgentChanges, 'reserve' | 'email'>> & { login: string; active: boolean; line: number })[] = [];
    const header = parsed[0]?.fields.map((field) => field.trim().toLowerCase());
    if (!header || CSV_HEADER.some((column) => !header.includes(column))) {
      errors.push({ line: parsed[0]?.line ?? 1, field: 'header', message: `the first line must name the columns ${CSV_HEADER.join(',')}` });
      return { rows, errors };
    }
    const seen = new Map<string, number>();
    for (const { line, fields } of parsed.slice(1)) {
      const value = (column: string) => (fields[header.indexOf(column)] ?? '').trim();
      const problem = (field: string, message: string) => errors.push({ line, field, message });
      if (fields.length !== header.length) problem('row', `expected ${header.length} fields, found ${fields.length}`);
      const login = value('login').toLowerCase();
      if (!LOGIN_PATTERN.test(login)) problem('login', 'must be 3-50 lowercase letters, digits, ".", "_" or "-"');
      else if (seen.has(login)) problem('login', `"${login}" already appears on line ${seen.get(login)}`);
      else seen.set(login, line);
      const displayName = value('display_name');
      if (!displayName || displayName.length > 100) problem('display_name', 'must be 1-100 characters');
      const role = (value('role') || 'agent').toLowerCase() as AgentRole;
      if (!AGENT_ROLES.includes(role)) problem('role', `must be one of ${AGENT_ROLES.join(', ')}`);
      const skills = list(value('skills'));
      const badSkill = skills.find((skill) => !SKILL_PATTERN.test(skill));
      if (badSkill !== undefined) problem('skills', `"${badSkill}" is not a skill name (lowercase letters, digits, "-"; separate with ";")`);
      const languages = list(value('languages') || 'fr');
      const badLanguage = languages.find((language) => !LANGUAGE_PATTERN.test(language));
      if (badLanguage !== undefined) problem('languages', `"${badLanguage}" is not a two-letter language code`);
      const capacityText = value('capacity') || '4';
      const capacity = Number(capacityText);
      if (!/^\d+$/.test(capacityText) || capacity < 1 || capacity > MAX_CAPACITY) problem('capacity', `must be a whole number from 1 to ${MAX_CAPACITY}`);
      const activeText = (value('active') || 'true').toLowerCase();
      if (!['true', 'false', 'yes', 'no', '1', '0'].includes(activeText)) problem('active', 'must be true or false');
      rows.push({ line, login, displayName, role, skills, languages, capacity, active: ['true', 'yes', '1'].includes(activeText) });
    }
    if (parsed.length < 2) errors.push({ line: 1, field: 'file', message: 'no agent in the file' });
    return { rows, errors };
  }

  /** Refuses a change that would leave the platform with no active administrator. */
  private async keepAnAdmin(manager: EntityManager, exceptId: string): Promise<void> {
    const [{ others }] = await manager.query(
      `SELECT count(*)::int AS others FROM agents WHERE role = 'admin' AND active AND id <> $1`,
      [exceptId],
    );
    if (others === 0) throw new ConflictError('role: the last active administrator cannot be demoted or deactivated');
  }
}

function randomUnusablePassword(): string {
  return `unset-${randomUUID()}-${randomUUID()}`;
}

function toView(row: Record<string, unknown>): AgentView {
  return {
    id: row.id as string,
    login: row.login as string,
    displayName: row.display_name as string,
    role: row.role as AgentRole,
    skills: row.skills as string[],
    languages: row.languages as string[],
    capacity: row.capacity as number,
    active: row.active as boolean,
    presence: row.presence as string,
    onShift: row.on_shift as boolean,
    reserve: row.reserve as boolean,
    email: (row.email as string | null) ?? null,
    createdAt: row.created_at as Date,
  };
}

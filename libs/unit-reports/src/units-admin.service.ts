import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { ImportProblem, ImportReport, auditBy, parseCsv } from '@brigade/administration';
import type { AgentPrincipal } from '@brigade/agents';
import { AuditService } from '@brigade/audit';
import { CommuneCatalogue } from './commune-catalogue';
import { LocalUnit, UNIT_TYPES, UnitType } from './local-unit.entity';
import { ReportError } from './report-errors';

export interface UnitFields {
  name: string;
  type: UnitType;
  address?: string;
  phone?: string;
  email?: string | null;
  webhookUrl?: string | null;
  communes?: string[];
  postcodes?: string[];
  departments?: string[];
  active?: boolean;
}

const UNIT_CODE = /^[a-z0-9][a-z0-9-]{1,59}$/;
const EMAIL = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;
const POSTCODE = /^\d{5}$/;
export const UNIT_CSV_HEADER = ['code', 'name', 'type', 'address', 'phone', 'email', 'webhook_url', 'communes', 'postcodes', 'departments', 'active'];

/** Lists in a CSV cell or a form: separated by ";", "," or spaces. */
export function splitList(cell: string): string[] {
  return [...new Set(cell.split(/[;,\s]+/).map((item) => item.trim().toUpperCase()).filter(Boolean))];
}

/** The unit directory administrators keep: units, how to reach them, the territory each covers. */
@Injectable()
export class UnitsAdminService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly communes: CommuneCatalogue,
  ) {}

  list(): Promise<LocalUnit[]> {
    return this.dataSource.getRepository(LocalUnit).find({ order: { code: 'ASC' } });
  }

  async create(actor: AgentPrincipal, code: string, fields: UnitFields): Promise<LocalUnit> {
    const problems = this.problemsOf(code, fields, true);
    if (problems.length > 0) throw new ReportError('invalid', problems.map((p) => `${p.field} : ${p.message}`).join(' ; '), { problems });
    return this.dataSource.transaction(async (manager) => {
      const existing = await manager.findOneBy(LocalUnit, { code });
      if (existing) throw new ReportError('conflict', `L’unité ${code} existe déjà`);
      const unit = await manager.save(LocalUnit, manager.create(LocalUnit, { code, ...normalised(fields) }));
      await this.audit.record(auditBy(actor, 'unit.create', 'local-unit', unit.id, { code }), manager);
      return unit;
    });
  }

  async update(actor: AgentPrincipal, id: string, changes: Partial<UnitFields>): Promise<LocalUnit> {
    return this.dataSource.transaction(async (manager) => {
      const unit = await manager.findOne(LocalUnit, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!unit) throw new ReportError('not-found', 'Unité introuvable');
      // A field left out of the request (undefined) keeps its value.
      const given = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) as Partial<UnitFields>;
      const merged: UnitFields = { ...unit, ...given };
      const problems = this.problemsOf(unit.code, merged, true);
      if (problems.length > 0) throw new ReportError('invalid', problems.map((p) => `${p.field} : ${p.message}`).join(' ; '), { problems });
      Object.assign(unit, normalised(merged));
      await manager.save(unit);
      await this.audit.record(auditBy(actor, 'unit.update', 'local-unit', unit.id, { code: unit.code, fields: Object.keys(changes) }), manager);
      return unit;
    });
  }

  /**
   * Creates or updates units from a CSV file (header: UNIT_CSV_HEADER; lists separated by ";"). Every problem of the
   * file is listed, by line and column; nothing is written when there is one, nor on a dry run.
   */
  async importCsv(actor: AgentPrincipal, csv: string, dryRun: boolean): Promise<ImportReport> {
    const rows = parseCsv(csv);
    const errors: ImportProblem[] = [];
    const header = rows.shift();
    const columns = header?.fields.map((field) => field.trim().toLowerCase()) ?? [];
    for (const required of ['code', 'name', 'type']) {
      if (!columns.includes(required)) errors.push({ line: header?.line ?? 1, field: required, message: 'colonne manquante' });
    }
    if (errors.length > 0) return { dryRun, rows: 0, created: 0, updated: 0, errors };
    const parsed: { line: number; code: string; fields: UnitFields }[] = [];
    const seen = new Set<string>();
    for (const row of rows) {
      const cell = (name: string) => (row.fields[columns.indexOf(name)] ?? '').trim();
      const code = cell('code').toLowerCase();
      const activeCell = cell('active').toLowerCase();
      const fields: UnitFields = {
        name: cell('name'),
        type: cell('type') as UnitType,
        address: cell('address'),
        phone: cell('phone'),
        email: cell('email') || null,
        webhookUrl: cell('webhook_url') || null,
        communes: splitList(cell('communes')),
        postcodes: splitList(cell('postcodes')),
        departments: splitList(cell('departments')),
        active: !['false', 'non', '0', 'no'].includes(activeCell),
      };
      const problems = this.problemsOf(code, fields, true).map((problem) => ({ ...problem, line: row.line }));
      if (seen.has(code)) problems.push({ line: row.line, field: 'code', message: 'code en double dans le fichier' });
      seen.add(code);
      errors.push(...problems);
      parsed.push({ line: row.line, code, fields });
    }
    const existing = parsed.length
      ? await this.dataSource.getRepository(LocalUnit).findBy({ code: In(parsed.map((row) => row.code)) })
      : [];
    const existingCodes = new Set(existing.map((unit) => unit.code));
    const report: ImportReport = {
      dryRun,
      rows: parsed.length,
      created: parsed.filter((row) => !existingCodes.has(row.code)).length,
      updated: parsed.filter((row) => existingCodes.has(row.code)).length,
      errors,
    };
    if (dryRun || errors.length > 0) return report;
    await this.dataSource.transaction(async (manager: EntityManager) => {
      await manager.upsert(
        LocalUnit,
        parsed.map((row) => ({ code: row.code, ...normalised(row.fields) })),
        { conflictPaths: ['code'] },
      );
      await this.audit.record(
        auditBy(actor, 'unit.import', 'local-unit', null, { created: report.created, updated: report.updated }),
        manager,
      );
    });
    return report;
  }

  private problemsOf(code: string, fields: UnitFields, checkCode: boolean): ImportProblem[] {
    const problems: ImportProblem[] = [];
    const add = (field: string, message: string) => problems.push({ line: 0, field, message });
    if (checkCode && !UNIT_CODE.test(code)) add('code', 'lettres minuscules, chiffres et « - » (2 à 60)');
    if (!fields.name?.trim()) add('name', 'obligatoire');
    if (!UNIT_TYPES.includes(fields.type)) add('type', `un de : ${UNIT_TYPES.join(', ')}`);
    if (fields.email && !EMAIL.test(fields.email)) add('email', `adresse invalide : ${fields.email}`);
    if (fields.webhookUrl && !/^https?:\/\/[^\s]+$/.test(fields.webhookUrl)) add('webhook_url', 'URL http(s) attendue');
    if (!fields.email && !fields.webhookUrl) add('email', 'une adresse e-mail ou un webhook est nécessaire');
    for (const commune of fields.communes ?? []) {
      if (!this.communes.get(commune)) add('communes', `code INSEE inconnu : ${commune}`);
    }
    for (const postcode of fields.postcodes ?? []) {
      if (!POSTCODE.test(postcode)) add('postcodes', `code postal invalide : ${postcode}`);
    }
    for (const department of fields.departments ?? []) {
      if (!this.communes.isDepartment(department)) add('departments', `département inconnu : ${department}`);
    }
    return problems;
  }
}

function normalised(fields: UnitFields): Omit<LocalUnit, 'id' | 'code' | 'createdAt' | 'updatedAt'> {
  return {
    name: fields.name.trim(),
    type: fields.type,
    address: fields.address?.trim() ?? '',
    phone: fields.phone?.trim() ?? '',
    email: fields.email?.trim() || null,
    webhookUrl: fields.webhookUrl?.trim() || null,
    communes: (fields.communes ?? []).map((code) => code.toUpperCase()),
    postcodes: fields.postcodes ?? [],
    departments: (fields.departments ?? []).map((code) => code.toUpperCase()),
    active: fields.active ?? true,
  };
}

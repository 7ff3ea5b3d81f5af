import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActorType, AuditEvent } from './audit-event.entity';

export interface AuditEntry {
  actorType: AuditActorType;
  actorId: string | null;
  action: string;
  subjectType: string;
  subjectId: string | null;
  details?: Record<string, unknown>;
}

/** Appends to the audit log, inside the caller's transaction when there is one. */
@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async record(entry: AuditEntry, manager: EntityManager = this.dataSource.manager): Promise<void> {
    // jsonb columns take any JSON; TypeORM's deep-partial type cannot express Record<string, unknown>.
    await manager.insert(AuditEvent, { ...entry, details: (entry.details ?? {}) as never });
  }
}

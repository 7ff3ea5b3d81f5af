import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AgentPrincipal } from '@brigade/agents';
import { AuditService } from '@brigade/audit';
import { auditBy } from './admin-actor';
import { QueueDefinition } from './queue-definition.entity';
import { RoutingRefresh } from './routing-refresh';

export type QueueSettings = Omit<QueueDefinition, 'key' | 'updatedAt'>;

/** Topic queues: names, priority class, required skill, service levels, re-route delay, retention, triage words. */
@Injectable()
export class QueuesAdminService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly routing: RoutingRefresh,
  ) {}

  list(): Promise<QueueDefinition[]> {
    return this.dataSource.getRepository(QueueDefinition).find({ order: { priority: 'ASC', key: 'ASC' } });
  }

  async create(actor: AgentPrincipal, key: string, settings: Partial<QueueSettings> & Pick<QueueSettings, 'nameFr' | 'nameEn'>): Promise<QueueDefinition> {
    await this.dataSource.transaction(async (manager) => {
      if (await manager.getRepository(QueueDefinition).existsBy({ key })) throw new ConflictException(`key: queue "${key}" already exists`);
      const given = Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));
      await manager.getRepository(QueueDefinition).insert({ key, requiredSkill: key, ...given });
      await this.audit.record(auditBy(actor, 'queue.create', 'queue', key, { ...settings }), manager);
    });
    return this.get(key);
  }

  async update(actor: AgentPrincipal, key: string, changes: Partial<QueueSettings>): Promise<QueueDefinition> {
    await this.dataSource.transaction(async (manager) => {
      const before = await manager.getRepository(QueueDefinition).findOne({ where: { key }, lock: { mode: 'pessimistic_write' } });
      if (!before) throw new NotFoundException(`Queue "${key}" introuvable`);
      const patch = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
      if (Object.keys(patch).length === 0) return;
      await manager.getRepository(QueueDefinition).update({ key }, patch);
      const previous = Object.fromEntries(Object.keys(patch).map((field) => [field, before[field as keyof QueueDefinition]]));
      await this.audit.record(auditBy(actor, 'queue.update', 'queue', key, { before: previous, after: patch }), manager);
    });
    // A different required skill may make waiting conversations assignable now.
    await this.routing.afterChange('queue-changed');
    return this.get(key);
  }

  private async get(key: string): Promise<QueueDefinition> {
    const queue = await this.dataSource.getRepository(QueueDefinition).findOneBy({ key });
    if (!queue) throw new NotFoundException(`Queue "${key}" introuvable`);
    return queue;
  }
}

import { Injectable } from '@nestjs/common';
import { ConflictError, InvalidInputError, NotFoundError } from '@brigade/errors';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AgentPrincipal } from '@brigade/agents';
import { AuditService } from '@brigade/audit';
import { auditBy } from './admin-actor';
import { QueueDefinition } from './queue-definition.entity';
import { RoutingRefresh } from './routing-refresh';

export type QueueSettings = Omit<QueueDefinition, 'key' | 'updatedAt'>;

/** Topic queues: names, priority class, required skill, service levels, re-route delay, retention, triage menu. */
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
    // The triage answers TOPIC_emergency and "0" with the emergency procedure; no queue may take that name.
    if (key === 'emergency') throw new InvalidInputError('key: "emergency" is reserved for the emergency choice of the triage');
    await this.dataSource.transaction(async (manager) => {
      if (await manager.getRepository(QueueDefinition).existsBy({ key })) throw new ConflictError(`key: queue "${key}" already exists`);
      const given = Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));
      // A new topic is offered last in the triage menu unless its place is given.
      const [{ last }]: { last: number }[] = await manager.query(`SELECT COALESCE(max(triage_position), 0)::int AS last FROM queues`);
      await manager.getRepository(QueueDefinition).insert({ key, requiredSkill: key, triagePosition: last + 1, ...given });
      await this.audit.record(auditBy(actor, 'queue.create', 'queue', key, { ...settings }), manager);
    });
    await this.routing.afterQueueChange();
    return this.get(key);
  }

  async update(actor: AgentPrincipal, key: string, changes: Partial<QueueSettings>): Promise<QueueDefinition> {
    await this.dataSource.transaction(async (manager) => {
      const before = await manager.getRepository(QueueDefinition).findOne({ where: { key }, lock: { mode: 'pessimistic_write' } });
      if (!before) throw new NotFoundError(`Queue "${key}" introuvable`);
      const patch = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
      if (Object.keys(patch).length === 0) return;
      await manager.getRepository(QueueDefinition).update({ key }, patch);
      const previous = Object.fromEntries(Object.keys(patch).map((field) => [field, before[field as keyof QueueDefinition]]));
      await this.audit.record(auditBy(actor, 'queue.update', 'queue', key, { before: previous, after: patch }), manager);
    });
    // The triage menu changes everywhere; a different required skill or no-reply delay applies at once.
    await this.routing.afterQueueChange();
    return this.get(key);
  }

  private async get(key: string): Promise<QueueDefinition> {
    const queue = await this.dataSource.getRepository(QueueDefinition).findOneBy({ key });
    if (!queue) throw new NotFoundError(`Queue "${key}" introuvable`);
    return queue;
  }
}

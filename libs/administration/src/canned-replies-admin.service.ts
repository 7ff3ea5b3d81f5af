import { Injectable } from '@nestjs/common';
import { ConflictError, InvalidInputError, NotFoundError } from '@brigade/errors';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AgentPrincipal } from '@brigade/agents';
import { AuditService } from '@brigade/audit';
import { CannedReply } from '@brigade/conversations/entities';
import { auditBy } from './admin-actor';
import { unknownVariables } from './canned-reply-template';

export interface CannedReplyInput {
  shortcut: string;
  title: string;
  text: string;
  language: string;
  /** Null or absent: shared by the brigade. */
  ownerAgentId?: string | null;
}

export interface CannedReplyFilter {
  language?: string;
  /** 'shared', or an agent id for that agent's personal replies. */
  owner?: string;
}

/** Canned replies, shared and personal, French and English, with the {agentName} {contactName} {reference} variables. */
@Injectable()
export class CannedRepliesAdminService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  list(filter: CannedReplyFilter = {}): Promise<CannedReply[]> {
    const query = this.dataSource.getRepository(CannedReply).createQueryBuilder('r').orderBy('r.language').addOrderBy('r.shortcut');
    if (filter.language) query.andWhere('r.language = :language', { language: filter.language });
    if (filter.owner === 'shared') query.andWhere('r.owner_agent_id IS NULL');
    else if (filter.owner) query.andWhere('r.owner_agent_id = :owner', { owner: filter.owner });
    return query.getMany();
  }

  async create(actor: AgentPrincipal, input: CannedReplyInput): Promise<CannedReply> {
    checkVariables(input);
    return this.dataSource.transaction(async (manager) => {
      await this.checkOwnerAndShortcut(manager, input);
      const saved = await manager.getRepository(CannedReply).save({ ...input, ownerAgentId: input.ownerAgentId ?? null });
      await this.audit.record(auditBy(actor, 'canned-reply.create', 'canned-reply', saved.id, { shortcut: saved.shortcut, language: saved.language, ownerAgentId: saved.ownerAgentId }), manager);
      return saved;
    });
  }

  async update(actor: AgentPrincipal, id: string, changes: Partial<CannedReplyInput>): Promise<CannedReply> {
    return this.dataSource.transaction(async (manager) => {
      const before = await manager.getRepository(CannedReply).findOneBy({ id });
      if (!before) throw new NotFoundError('Réponse type introuvable');
      const next = { ...before, ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) };
      checkVariables(next);
      await this.checkOwnerAndShortcut(manager, next, id);
      await manager.getRepository(CannedReply).update({ id }, {
        shortcut: next.shortcut,
        title: next.title,
        text: next.text,
        language: next.language,
        ownerAgentId: next.ownerAgentId ?? null,
      });
      await this.audit.record(auditBy(actor, 'canned-reply.update', 'canned-reply', id, { before: { shortcut: before.shortcut, title: before.title, text: before.text, language: before.language }, changes }), manager);
      return manager.getRepository(CannedReply).findOneByOrFail({ id });
    });
  }

  async remove(actor: AgentPrincipal, id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const reply = await manager.getRepository(CannedReply).findOneBy({ id });
      if (!reply) throw new NotFoundError('Réponse type introuvable');
      await manager.getRepository(CannedReply).delete({ id });
      await this.audit.record(auditBy(actor, 'canned-reply.delete', 'canned-reply', id, { shortcut: reply.shortcut, language: reply.language, text: reply.text }), manager);
    });
  }

  private async checkOwnerAndShortcut(manager: EntityManager, input: CannedReplyInput, exceptId?: string): Promise<void> {
    if (input.ownerAgentId) {
      const [owner] = await manager.query(`SELECT 1 FROM agents WHERE id = $1`, [input.ownerAgentId]);
      if (!owner) throw new InvalidInputError(`ownerAgentId: no agent ${input.ownerAgentId}`);
    }
    const [taken] = await manager.query(
      `SELECT id FROM canned_replies WHERE language = $1 AND shortcut = $2 AND ($3::uuid IS NULL OR id <> $3)`,
      [input.language, input.shortcut, exceptId ?? null],
    );
    if (taken) throw new ConflictError(`shortcut: "/${input.shortcut}" is already used in ${input.language}`);
  }
}

function checkVariables(input: Pick<CannedReplyInput, 'text'>): void {
  const unknown = unknownVariables(input.text);
  if (unknown.length > 0) {
    throw new InvalidInputError(`text: unknown variable ${unknown.join(', ')} (known: {agentName}, {contactName}, {reference})`);
  }
}

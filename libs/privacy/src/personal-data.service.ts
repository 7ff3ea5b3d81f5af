import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AgentPrincipal } from '@brigade/agents';
import { AuditService } from '@brigade/audit';

export interface ContactExport {
  exportedAt: string;
  contact: Record<string, unknown>;
  identities: Record<string, unknown>[];
  conversations: (Record<string, unknown> & { messages: Record<string, unknown>[]; reports: Record<string, unknown>[] })[];
  /** Sensitive conversations left out of this export (victim safety). */
  withheldSensitiveConversations: number;
}

/** A citizen's rights over their data (access, erasure), legal holds, and the victim-safety flag. */
@Injectable()
export class PersonalDataService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /**
   * Everything stored about a contact, machine-readable. Sensitive conversations are withheld unless an admin asks
   * for them explicitly, with a reason that goes to the audit log.
   */
  async exportContact(
    principal: AgentPrincipal,
    contactId: string,
    options: { includeSensitive?: boolean; reason?: string } = {},
  ): Promise<ContactExport> {
    const includeSensitive = options.includeSensitive === true;
    if (includeSensitive && (principal.role !== 'admin' || !options.reason?.trim())) {
      throw new ForbiddenException('Exporter une conversation sensible demande le rôle admin et un motif');
    }
    const [contact] = await this.dataSource.query(
      `SELECT id, display_name AS "displayName", pseudonym, legal_hold AS "legalHold", created_at AS "createdAt"
         FROM contacts WHERE id = $1`,
      [contactId],
    );
    if (!contact) throw new NotFoundException('Contact introuvable');
    const identities = await this.dataSource.query(
      `SELECT channel, channel_account AS "channelAccount", external_id AS "externalId", display_name AS "displayName",
              created_at AS "createdAt"
         FROM channel_identities WHERE contact_id = $1 ORDER BY created_at`,
      [contactId],
    );
    const conversations: { id: string; sensitive: boolean }[] = await this.dataSource.query(
      `SELECT id, channel, status, queue, priority, sensitive, created_at AS "createdAt", closed_at AS "closedAt",
              close_outcome AS "closeOutcome", purged_at AS "purgedAt"
         FROM conversations WHERE contact_id = $1 ORDER BY created_at`,
      [contactId],
    );
    const exported = conversations.filter((conversation) => includeSensitive || !conversation.sensitive);
    const withMessages = [];
    for (const conversation of exported) {
      const messages = await this.dataSource.query(
        `SELECT id, direction, author_type AS "author", text, attachments, delivery_status AS "deliveryStatus",
                created_at AS "createdAt"
           FROM messages WHERE conversation_id = $1 AND direction <> 'internal' ORDER BY created_at, id`,
        [conversation.id],
      );
      const reports = await this.dataSource.query(
        `SELECT r.id, r.created_at AS "createdAt", u.name AS "unit", r.routing, r.nature, r.facts_at AS "factsAt",
                r.facts_place AS "factsPlace", r.commune_code AS "communeCode", r.commune_name AS "communeName", r.persons,
                r.summary, r.urgency, r.consent_to_contact AS "consentToContact", r.contact_means AS "contactMeans",
                r.status
           FROM unit_reports r JOIN local_units u ON u.id = r.unit_id WHERE r.conversation_id = $1 ORDER BY r.created_at`,
        [conversation.id],
      );
      withMessages.push({ ...conversation, messages, reports });
    }
    await this.audit.record({
      actorType: 'agent',
      actorId: principal.agentId,
      action: 'contact.export',
      subjectType: 'contact',
      subjectId: contactId,
      details: { includeSensitive, reason: options.reason ?? null, conversations: exported.length },
    });
    return {
      exportedAt: new Date().toISOString(),
      contact,
      identities,
      conversations: withMessages,
      withheldSensitiveConversations: conversations.length - exported.length,
    };
  }

  /** Erasure on request: the contact and everything attached to it, unless a legal hold forbids it. */
  async eraseContact(principal: AgentPrincipal, contactId: string, reason: string): Promise<{ conversations: number }> {
    return this.dataSource.transaction(async (manager) => {
      const [contact] = await manager.query(`SELECT id, legal_hold FROM contacts WHERE id = $1 FOR UPDATE`, [contactId]);
      if (!contact) throw new NotFoundException('Contact introuvable');
      const held = await manager.query(
        `SELECT 1 FROM conversations WHERE contact_id = $1 AND legal_hold LIMIT 1`,
        [contactId],
      );
      if (contact.legal_hold || held.length > 0) {
        throw new ConflictException('Ce contact est sous conservation légale : effacement impossible');
      }
      const open = await manager.query(
        `SELECT 1 FROM conversations WHERE contact_id = $1 AND status IN ('waiting', 'assigned') LIMIT 1`,
        [contactId],
      );
      if (open.length > 0) throw new ConflictException('Une conversation est encore ouverte : clôturez-la d’abord');
      const [{ n }] = await manager.query(`SELECT count(*)::int AS n FROM conversations WHERE contact_id = $1`, [contactId]);
      await manager.query(`DELETE FROM contacts WHERE id = $1`, [contactId]);
      await this.audit.record(
        {
          actorType: 'agent',
          actorId: principal.agentId,
          action: 'contact.erase',
          subjectType: 'contact',
          subjectId: contactId,
          details: { reason, conversations: n },
        },
        manager,
      );
      return { conversations: n };
    });
  }

  async setLegalHold(
    principal: AgentPrincipal,
    subject: 'contact' | 'conversation',
    id: string,
    hold: boolean,
    reason: string,
  ): Promise<{ id: string; legalHold: boolean }> {
    const table = subject === 'contact' ? 'contacts' : 'conversations';
    const [rows] = (await this.dataSource.query(`UPDATE ${table} SET legal_hold = $2 WHERE id = $1 RETURNING id`, [
      id,
      hold,
    ])) as [unknown[], number];
    if (rows.length === 0) throw new NotFoundException(subject === 'contact' ? 'Contact introuvable' : 'Conversation introuvable');
    await this.audit.record({
      actorType: 'agent',
      actorId: principal.agentId,
      action: hold ? 'legal-hold.set' : 'legal-hold.release',
      subjectType: subject,
      subjectId: id,
      details: { reason },
    });
    return { id, legalHold: hold };
  }

  /** Victim safety: the contact is shown by pseudonym on the desk, exports withhold it. Its assignee or a supervisor. */
  async setSensitive(principal: AgentPrincipal, conversationId: string, sensitive: boolean): Promise<{ id: string; sensitive: boolean }> {
    const [conversation] = await this.dataSource.query(`SELECT assignee_id FROM conversations WHERE id = $1`, [
      conversationId,
    ]);
    if (!conversation) throw new NotFoundException('Conversation introuvable');
    if (principal.role === 'agent' && conversation.assignee_id !== principal.agentId) {
      throw new ForbiddenException("Cette conversation ne vous est pas attribuée");
    }
    await this.dataSource.query(`UPDATE conversations SET sensitive = $2 WHERE id = $1`, [conversationId, sensitive]);
    await this.audit.record({
      actorType: 'agent',
      actorId: principal.agentId,
      action: sensitive ? 'conversation.mark-sensitive' : 'conversation.unmark-sensitive',
      subjectType: 'conversation',
      subjectId: conversationId,
    });
    return { id: conversationId, sensitive };
  }
}

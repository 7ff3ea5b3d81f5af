import { Injectable } from '@nestjs/common';
import { ConflictError, ForbiddenError, NotFoundError } from '@brigade/errors';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AgentPrincipal } from '@brigade/agents';
import { AttachmentsService } from '@brigade/attachments';
import { AuditService } from '@brigade/audit';
import { SocketStreamEmitter } from '@brigade/realtime';

export interface ContactExport {
  exportedAt: string;
  contact: Record<string, unknown>;
  identities: Record<string, unknown>[];
  conversations: (Record<string, unknown> & {
    messages: Record<string, unknown>[];
    reports: Record<string, unknown>[];
    /** The files the citizen sent, as stored (images re-encoded), their bytes in base64. */
    files: ExportedFile[];
  })[];
  /** Sensitive conversations left out of this export (victim safety). */
  withheldSensitiveConversations: number;
}

export interface ExportedFile {
  id: string;
  messageId: string | null;
  name: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  createdAt: string;
  contentBase64: string;
}

/** A citizen's rights over their data (access, erasure), legal holds, and the victim-safety flag. */
@Injectable()
export class PersonalDataService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly stream: SocketStreamEmitter,
    private readonly attachments: AttachmentsService,
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
      throw new ForbiddenError('Exporter une conversation sensible demande le rôle admin et un motif');
    }
    const [contact] = await this.dataSource.query(
      `SELECT id, display_name AS "displayName", pseudonym, legal_hold AS "legalHold", created_at AS "createdAt"
         FROM contacts WHERE id = $1`,
      [contactId],
    );
    if (!contact) throw new NotFoundError('Contact introuvable');
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
      const files = (await this.attachments.filesOfConversations([conversation.id])).map((file) => ({
        id: file.id,
        messageId: file.messageId,
        name: file.originalName,
        contentType: file.contentType,
        sizeBytes: file.sizeBytes,
        sha256: file.sha256,
        createdAt: file.createdAt.toISOString(),
        contentBase64: file.bytes.toString('base64'),
      }));
      withMessages.push({ ...conversation, messages, reports, files });
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
    const { conversations, mentions, storageKeys } = await this.dataSource.transaction(async (manager) => {
      const [contact] = await manager.query(`SELECT id, legal_hold FROM contacts WHERE id = $1 FOR UPDATE`, [contactId]);
      if (!contact) throw new NotFoundError('Contact introuvable');
      const held = await manager.query(
        `SELECT 1 FROM conversations WHERE contact_id = $1 AND legal_hold LIMIT 1`,
        [contactId],
      );
      if (contact.legal_hold || held.length > 0) {
        throw new ConflictError('Ce contact est sous conservation légale : effacement impossible');
      }
      const open = await manager.query(
        `SELECT 1 FROM conversations WHERE contact_id = $1 AND status IN ('waiting', 'assigned') LIMIT 1`,
        [contactId],
      );
      if (open.length > 0) throw new ConflictError('Une conversation est encore ouverte : clôturez-la d’abord');
      const mentions = await this.eraseCopies(manager, contactId);
      const conversationIds: string[] = (await manager.query(`SELECT id FROM conversations WHERE contact_id = $1`, [contactId])).map(
        (row: { id: string }) => row.id,
      );
      const storageKeys = await this.attachments.storageKeysOfConversations(manager, conversationIds);
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
      return { conversations: n, mentions, storageKeys };
    });
    // After the commit, so that a retry finds nothing left to erase in the database; the stream's entries and the
    // stored files (whose rows went with the conversations) go too.
    await this.attachments.deleteStoredObjects(storageKeys);
    await this.stream.eraseEntriesMentioning(mentions);
    return { conversations };
  }

  /**
   * The copies of a contact's data outside the rows that cascade from `contacts`: the raw payloads of the inbox (the
   * entry stays as the idempotency key of a provider's retry, without its content), their quarantined messages, and the
   * free texts agents typed into the audit log about the contact's conversations (reasons, notes: strings other than ids
   * become "[effacé]").
   * A message still waiting for the worker is emptied the same way and marked processed: the worker skips it (its job
   * may already be queued) instead of storing it again under a new contact.
   * Returns the ids that the Socket.io stream's entries may mention (conversations, messages, identities).
   */
  private async eraseCopies(manager: EntityManager, contactId: string): Promise<string[]> {
    // First: an entry the worker is storing right now is locked; waiting here for its commit means the rows it writes
    // are read (and deleted with the contact) below.
    await manager.query(
      `UPDATE inbox_entries e
          SET payload = jsonb_build_object('channel', e.channel, 'channelMessageId', e.channel_message_id, 'erased', true),
              processed_at = COALESCE(e.processed_at, now())
        WHERE NOT (e.payload ? 'erased')
          AND (EXISTS (SELECT 1 FROM messages m JOIN conversations c ON c.id = m.conversation_id
                        WHERE c.contact_id = $1 AND m.channel = e.channel AND m.channel_message_id = e.channel_message_id)
               OR EXISTS (SELECT 1 FROM channel_identities i WHERE i.contact_id = $1 AND i.channel = e.channel
                             AND i.channel_account = e.payload->>'channelAccount'
                             AND i.external_id = e.payload->'sender'->>'externalId'))`,
      [contactId],
    );
    const conversations: { id: string }[] = await manager.query(`SELECT id FROM conversations WHERE contact_id = $1`, [contactId]);
    const conversationIds = conversations.map((row) => row.id);
    const identities: { id: string; external_id: string }[] = await manager.query(
      `SELECT id, external_id FROM channel_identities WHERE contact_id = $1`,
      [contactId],
    );
    const messages: { id: string }[] = await manager.query(`SELECT id FROM messages WHERE conversation_id = ANY($1::uuid[])`, [
      conversationIds,
    ]);
    await manager.query(
      `DELETE FROM quarantined_messages q USING channel_identities i
        WHERE i.contact_id = $1 AND q.channel = i.channel AND q.sender_external_id = i.external_id`,
      [contactId],
    );
    await manager.query(
      `UPDATE audit_events a
          SET details = (SELECT jsonb_object_agg(d.key, CASE
                                  WHEN jsonb_typeof(d.value) = 'string'
                                       AND d.value #>> '{}' !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                                    THEN to_jsonb('[effacé]'::text)
                                  WHEN jsonb_typeof(d.value) IN ('object', 'array') THEN to_jsonb('[effacé]'::text)
                                  ELSE d.value END)
                           FROM jsonb_each(a.details) d)
        WHERE jsonb_typeof(a.details) = 'object' AND a.details <> '{}'::jsonb
          AND ((a.subject_type = 'conversation' AND a.subject_id = ANY($1::text[]))
               OR (a.subject_type = 'contact' AND a.subject_id = $2 AND a.action <> 'contact.erase'))`,
      [conversationIds, contactId],
    );
    return [...conversationIds, contactId, ...messages.map((row) => row.id), ...identities.flatMap((row) => [row.id, row.external_id])];
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
    if (rows.length === 0) throw new NotFoundError(subject === 'contact' ? 'Contact introuvable' : 'Conversation introuvable');
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
    if (!conversation) throw new NotFoundError('Conversation introuvable');
    if (principal.role === 'agent' && conversation.assignee_id !== principal.agentId) {
      throw new ForbiddenError("Cette conversation ne vous est pas attribuée");
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

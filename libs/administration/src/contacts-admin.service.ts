import { Injectable } from '@nestjs/common';
import { InvalidInputError, NotFoundError } from '@brigade/errors';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AgentPrincipal } from '@brigade/agents';
import { AuditService } from '@brigade/audit';
import { auditBy } from './admin-actor';

export interface ContactView {
  id: string;
  displayName: string | null;
  pseudonym: string;
  /** The contact this one is linked to as the same citizen (null: not linked, or the main contact of a group). */
  mergedIntoId: string | null;
  /** Contacts linked into this one. */
  linkedIds: string[];
  identities: { channel: string; channelAccount: string; externalId: string; displayName: string | null }[];
  conversations: number;
  createdAt: Date;
}

/**
 * Contacts: search, and linking two contacts that are the same citizen (e.g. on Facebook and on the web chat) so
 * that the desk shows one history. A group has one main contact and every other one points at it directly, so the
 * history reads one level only. Every link and unlink is audited.
 */
@Injectable()
export class ContactsAdminService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** By name, pseudonym or a channel's external id (exact id, or part of a name). */
  async search(q: string, limit = 50): Promise<ContactView[]> {
    const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const ids: { id: string }[] = await this.dataSource.query(
      `SELECT k.id FROM contacts k
        WHERE k.display_name ILIKE $1 OR k.pseudonym ILIKE $1
           OR EXISTS (SELECT 1 FROM channel_identities i WHERE i.contact_id = k.id
                       AND (i.external_id = $2 OR i.display_name ILIKE $1))
        ORDER BY k.created_at DESC LIMIT $3`,
      [pattern, q, limit],
    );
    return this.views(ids.map((row) => row.id));
  }

  async get(id: string): Promise<ContactView> {
    const [view] = await this.views([id]);
    if (!view) throw new NotFoundError('Contact introuvable');
    return view;
  }

  /** Links a contact into another (the same citizen); whatever was linked to it follows into the group. */
  async link(actor: AgentPrincipal, contactId: string, intoContactId: string): Promise<ContactView> {
    if (contactId === intoContactId) throw new InvalidInputError('intoContactId: a contact cannot be linked to itself');
    await this.dataSource.transaction(async (manager) => {
      const rows: { id: string; merged_into_id: string | null }[] = await manager.query(
        `SELECT id, merged_into_id FROM contacts WHERE id = ANY($1::uuid[]) FOR UPDATE`,
        [[contactId, intoContactId]],
      );
      const contact = rows.find((row) => row.id === contactId);
      const into = rows.find((row) => row.id === intoContactId);
      if (!contact) throw new NotFoundError('Contact introuvable');
      if (!into) throw new InvalidInputError(`intoContactId: no contact ${intoContactId}`);
      const root = into.merged_into_id ?? into.id;
      if (root === contactId) throw new InvalidInputError('intoContactId: these contacts are already linked');
      await manager.query(`UPDATE contacts SET merged_into_id = $2 WHERE id = $1 OR merged_into_id = $1`, [contactId, root]);
      await this.audit.record(auditBy(actor, 'contact.link', 'contact', contactId, { intoContactId: root, previous: contact.merged_into_id }), manager);
    });
    return this.get(contactId);
  }

  async unlink(actor: AgentPrincipal, contactId: string): Promise<ContactView> {
    await this.dataSource.transaction(async (manager) => {
      const [contact] = await manager.query(`SELECT merged_into_id FROM contacts WHERE id = $1 FOR UPDATE`, [contactId]);
      if (!contact) throw new NotFoundError('Contact introuvable');
      if (!contact.merged_into_id) throw new InvalidInputError('contactId: this contact is not linked to another one');
      await manager.query(`UPDATE contacts SET merged_into_id = NULL WHERE id = $1`, [contactId]);
      await this.audit.record(auditBy(actor, 'contact.unlink', 'contact', contactId, { fromContactId: contact.merged_into_id }), manager);
    });
    return this.get(contactId);
  }

  private async views(ids: string[]): Promise<ContactView[]> {
    if (ids.length === 0) return [];
    const rows: {
      id: string;
      display_name: string | null;
      pseudonym: string;
      merged_into_id: string | null;
      created_at: Date;
      linked: string[];
      identities: ContactView['identities'];
      conversations: number;
    }[] = await this.dataSource.query(
      `SELECT k.id, k.display_name, k.pseudonym, k.merged_into_id, k.created_at,
              COALESCE((SELECT array_agg(l.id) FROM contacts l WHERE l.merged_into_id = k.id), '{}') AS linked,
              COALESCE((SELECT json_agg(json_build_object('channel', i.channel, 'channelAccount', i.channel_account,
                                 'externalId', i.external_id, 'displayName', i.display_name) ORDER BY i.created_at)
                          FROM channel_identities i WHERE i.contact_id = k.id), '[]') AS identities,
              (SELECT count(*)::int FROM conversations c WHERE c.contact_id = k.id) AS conversations
         FROM contacts k WHERE k.id = ANY($1::uuid[])`,
      [ids],
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids
      .map((id) => byId.get(id))
      .filter((row) => row !== undefined)
      .map((row) => ({
        id: row.id,
        displayName: row.display_name,
        pseudonym: row.pseudonym,
        mergedIntoId: row.merged_into_id,
        linkedIds: row.linked,
        identities: row.identities,
        conversations: row.conversations,
        createdAt: row.created_at,
      }));
  }
}

import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@brigade/errors';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '@brigade/audit';
import type { CitizenMessageView, CitizenStatus } from '@brigade/realtime';
import { ConversationsService } from './conversations.service';
import type { CitizenLanguage } from './citizen-language';

/** The conversation a web chat visitor sees: the latest one of their identity, open or not. */
const LATEST_CONVERSATION_OF_VISITOR = `
  SELECT c.id FROM conversations c JOIN channel_identities i ON i.id = c.identity_id
   WHERE i.channel = 'webchat' AND i.channel_account = '' AND i.external_id = $1
   ORDER BY c.created_at DESC LIMIT 1`;

export interface CitizenLeft {
  conversationId: string;
  assigneeId: string | null;
  leftAt: Date;
}

/**
 * What the anonymous web chat citizen does to their own conversation besides writing: resume it, leave it with
 * the quick exit, rate it, type in it. The citizen is known only by the visitor id of their signed token.
 */
@Injectable()
export class CitizenSessionService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly conversations: ConversationsService,
    private readonly audit: AuditService,
  ) {}

  /** The history the widget shows on (re)connection; its own messages carry the id it chose, for deduplication. */
  async history(visitorId: string): Promise<CitizenMessageView[]> {
    // After a quick exit the token no longer opens the conversation, should someone have copied it.
    if (await this.hasLeft(visitorId)) return [];
    const messages = await this.conversations.citizenHistory('webchat', visitorId);
    const ownIds = messages.filter((message) => message.author === 'citizen').map((message) => message.id);
    if (ownIds.length === 0) return messages;
    const rows: { id: string; channel_message_id: string | null }[] = await this.dataSource.query(
      `SELECT id, channel_message_id FROM messages WHERE id = ANY($1::uuid[])`,
      [ownIds],
    );
    // The gateway stores web chat messages under "<visitorId>:<clientMessageId>".
    const prefix = `${visitorId}:`;
    const clientIds = new Map(
      rows
        .filter((row) => row.channel_message_id?.startsWith(prefix))
        .map((row) => [row.id, row.channel_message_id!.slice(prefix.length)]),
    );
    return messages.map((message) =>
      clientIds.has(message.id) ? { ...message, clientMessageId: clientIds.get(message.id) } : message,
    );
  }

  /** Where the citizen's latest conversation stands, or null before their first message has been stored. */
  async status(visitorId: string): Promise<{ conversationId: string; status: CitizenStatus } | null> {
    const rows: { id: string; status: string; display_name: string | null; citizen_left_at: Date | null }[] =
      await this.dataSource.query(
        `SELECT c.id, c.status, a.display_name, c.citizen_left_at
           FROM conversations c LEFT JOIN agents a ON a.id = c.assignee_id
          WHERE c.id = (${LATEST_CONVERSATION_OF_VISITOR})`,
        [visitorId],
      );
    const row = rows[0];
    if (!row || row.citizen_left_at) return null;
    const status: CitizenStatus =
      row.status === 'waiting'
        ? { state: 'waiting' }
        : row.status === 'assigned'
          ? { state: 'assigned', agentName: row.display_name ?? undefined }
          : row.status === 'closed'
            ? { state: 'closed', closedBy: 'agent' }
            : { state: 'closed' };
    return { conversationId: row.id, status };
  }

  /**
   * Quick exit: flags the citizen's latest conversation once. The messages stay as long as the retention policy
   * says; only the device forgets. Returns null when there was nothing to flag (no conversation, or already left).
   */
  async leave(visitorId: string): Promise<CitizenLeft | null> {
    // TypeORM returns [rows, count] for an UPDATE ... RETURNING.
    const [rows] = (await this.dataSource.query(
      `UPDATE conversations SET citizen_left_at = now()
        WHERE id = (${LATEST_CONVERSATION_OF_VISITOR}) AND citizen_left_at IS NULL
      RETURNING id, assignee_id, citizen_left_at`,
      [visitorId],
    )) as [{ id: string; assignee_id: string | null; citizen_left_at: Date }[], number];
    const row = rows[0];
    if (!row) return null;
    await this.audit.record({
      actorType: 'citizen',
      actorId: null,
      action: 'conversation.citizen-left',
      subjectType: 'conversation',
      subjectId: row.id,
    });
    return { conversationId: row.id, assigneeId: row.assignee_id, leftAt: row.citizen_left_at };
  }

  async hasLeft(visitorId: string): Promise<boolean> {
    const rows: { citizen_left_at: Date | null }[] = await this.dataSource.query(
      `SELECT citizen_left_at FROM conversations WHERE id = (${LATEST_CONVERSATION_OF_VISITOR})`,
      [visitorId],
    );
    return !!rows[0]?.citizen_left_at;
  }

  /** The optional satisfaction rating (1-5) of the citizen's latest conversation; a second rating replaces it. */
  async rate(visitorId: string, rating: number): Promise<{ conversationId: string; assigneeId: string | null }> {
    const [rows] = (await this.dataSource.query(
      `UPDATE conversations SET citizen_rating = $2, citizen_rated_at = now()
        WHERE id = (${LATEST_CONVERSATION_OF_VISITOR}) RETURNING id, assignee_id`,
      [visitorId, rating],
    )) as [{ id: string; assignee_id: string | null }[], number];
    if (rows.length === 0) throw new NotFoundError('Aucune conversation à évaluer');
    return { conversationId: rows[0].id, assigneeId: rows[0].assignee_id };
  }

  /**
   * The citizen switched the widget's language: their open conversation (if any) is answered in it from now on: the
   * triage and automatic messages, and the language routing prefers for the gendarme. False when nothing is open.
   */
  async setLanguage(visitorId: string, language: CitizenLanguage): Promise<boolean> {
    const [rows] = (await this.dataSource.query(
      `UPDATE conversations c SET language = $2
         FROM channel_identities i
        WHERE i.id = c.identity_id AND i.channel = 'webchat' AND i.channel_account = '' AND i.external_id = $1
          AND c.status IN ('waiting', 'assigned')
      RETURNING c.id`,
      [visitorId, language],
    )) as [{ id: string }[], number];
    return rows.length > 0;
  }

  /** Who should see "the citizen is typing": the agent holding the visitor's open conversation, if any. */
  async typingTarget(visitorId: string): Promise<{ conversationId: string; assigneeId: string } | null> {
    const rows: { id: string; assignee_id: string }[] = await this.dataSource.query(
      `SELECT c.id, c.assignee_id FROM conversations c JOIN channel_identities i ON i.id = c.identity_id
        WHERE i.channel = 'webchat' AND i.channel_account = '' AND i.external_id = $1
          AND c.status = 'assigned' AND c.assignee_id IS NOT NULL
        LIMIT 1`,
      [visitorId],
    );
    return rows[0] ? { conversationId: rows[0].id, assigneeId: rows[0].assignee_id } : null;
  }

  /** The web chat visitor of a conversation the agent holds; null if it is not theirs or not a web chat. */
  async webchatVisitorOf(agentId: string, conversationId: string): Promise<string | null> {
    const rows: { external_id: string }[] = await this.dataSource.query(
      `SELECT i.external_id FROM conversations c JOIN channel_identities i ON i.id = c.identity_id
        WHERE c.id = $1 AND c.assignee_id = $2 AND c.status = 'assigned' AND i.channel = 'webchat'`,
      [conversationId, agentId],
    );
    return rows[0]?.external_id ?? null;
  }
}

import { Injectable } from '@nestjs/common';
import { ForbiddenError, InvalidInputError, NotFoundError } from '@brigade/errors';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, Not } from 'typeorm';
import { Agent, AgentPrincipal } from '@brigade/agents';
import { AuditService } from '@brigade/audit';
import { ChannelIdentity, Contact } from '@brigade/contacts';
import { hydrateEntity, preparedStatement, runPrepared } from '@brigade/persistence';
import { JobProducer, QueueName } from '@brigade/queue';
import { RealtimePublisher } from '@brigade/realtime';
import type {
  CitizenMessageView,
  DeskAssignmentEvent,
  DeskConversationView,
  DeskListScope,
} from '@brigade/realtime';
import { Assignment } from './assignment.entity';
import { Conversation } from './conversation.entity';
import { previewMessage, toCitizenMessage, toDeskConversation, toDeskMessage } from './desk-views';
import { MESSAGE_COLUMNS, Message } from './message.entity';

const HISTORY_LIMIT = 200;
/**
 * A desk opening a conversation reads its whole history (virtualised on screen: a conversation running for days has
 * thousands of messages, and a search result may point to any of them); the assignment pushed over the socket carries
 * the newest HISTORY_LIMIT only, and the desk reads the rest when the conversation is opened.
 */
const DESK_HISTORY_LIMIT = 5000;
/** The desk's "waiting in my queues" and "all" tabs show at most this many conversations, most urgent first. */
export const DESK_LIST_LIMIT = 300;

/** What the assignee opening a conversation changed: how many citizen messages became read, on which channel. */
export interface ConversationRead {
  conversationId: string;
  channel: string;
  read: number;
}

/** A conversation, its contact and the newest $2 messages of its history, oldest first (see `assignmentEvent`). */
const CONVERSATION_WITH_HISTORY = preparedStatement(
  'conversation-with-history',
  `SELECT row_to_json(c) AS conversation, row_to_json(ct) AS contact,
          COALESCE((SELECT json_agg(row_to_json(m) ORDER BY m.created_at, m.id)
                      FROM (SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation_id = c.id
                             ORDER BY created_at DESC, id DESC LIMIT $2) m),
                   '[]'::json) AS messages
     FROM conversations c JOIN contacts ct ON ct.id = c.contact_id
    WHERE c.id = $1`,
);

/** See `reply`. */
const STORE_AGENT_REPLY = preparedStatement(
  'store-agent-reply',
  `WITH conversation AS (
          SELECT id, channel, assignee_id, status FROM conversations WHERE id = $1 FOR UPDATE),
        inserted AS (
          INSERT INTO messages (conversation_id, channel, direction, author_type, author_agent_id, text, attachments,
                                client_message_id, delivery_status)
          SELECT c.id, c.channel, 'outbound', 'agent', $2, $3, '[]'::jsonb, $4, 'queued' FROM conversation c
           WHERE c.assignee_id = $2 AND c.status = 'assigned'
          ON CONFLICT DO NOTHING
          RETURNING ${MESSAGE_COLUMNS}),
        touched AS (
          UPDATE conversations c
             SET last_agent_message_at = i.created_at, first_agent_reply_at = COALESCE(c.first_agent_reply_at, i.created_at)
            FROM inserted i WHERE c.id = i.conversation_id),
        audited AS (
          INSERT INTO audit_events (actor_type, actor_id, action, subject_type, subject_id, details)
          SELECT 'agent', $2, 'message.reply', 'conversation', i.conversation_id::text, jsonb_build_object('messageId', i.id)
            FROM inserted i)
   SELECT c.assignee_id, c.status, (SELECT row_to_json(i) FROM inserted i) AS message FROM conversation c`,
);

/** Reading and answering conversations, for the desk and for the citizen's own view. */
@Injectable()
export class ConversationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly jobs: JobProducer,
    private readonly realtime: RealtimePublisher,
  ) {}

  async openConversationsOf(agentId: string): Promise<DeskConversationView[]> {
    const conversations = await this.dataSource
      .getRepository(Conversation)
      .find({ where: { assigneeId: agentId, status: 'assigned' }, order: { assignedAt: 'ASC' } });
    return Promise.all(conversations.map((conversation) => this.deskView(conversation)));
  }

  /**
   * The desk list's tabs: "mine" (assigned to me), "queues" (waiting in one of my queues, i.e. my skills; every waiting
   * one for supervisors and admins), "all" (every open conversation: supervisors and admins only).
   */
  async deskList(principal: AgentPrincipal, scope: DeskListScope): Promise<DeskConversationView[]> {
    if (scope === 'mine') return this.openConversationsOf(principal.agentId);
    const supervising = principal.role === 'supervisor' || principal.role === 'admin';
    if (scope === 'all' && !supervising) throw new ForbiddenError('Réservé aux superviseurs');
    const builder = this.dataSource
      .getRepository(Conversation)
      .createQueryBuilder('c')
      .orderBy('c.priority', 'ASC')
      .addOrderBy('c.waiting_since', 'ASC')
      .limit(DESK_LIST_LIMIT);
    if (scope === 'all') builder.where(`c.status IN ('waiting', 'assigned')`);
    else builder.where(`c.status = 'waiting'`);
    if (scope === 'queues' && !supervising) {
      builder.andWhere(`c.queue = ANY((SELECT skills FROM agents WHERE id = :agentId)::text[])`, { agentId: principal.agentId });
    }
    return this.deskViews(await builder.getMany());
  }

  /**
   * A conversation with its messages, for someone on the desk. Its assignee reads it freely; supervisors and
   * admins read any conversation, and that reading goes to the access audit.
   */
  async readForDesk(principal: AgentPrincipal, conversationId: string): Promise<DeskAssignmentEvent> {
    const conversation = await this.findOrFail(conversationId);
    await this.authorizeRead(principal, conversation);
    return this.assignmentEvent(conversation, 'read', DESK_HISTORY_LIMIT);
  }

  /**
   * Throws unless the agent may read the conversation (its assignee; supervisors and admins; agents of the queue it
   * waits in), recording the read in the access audit as `readForDesk` does: what opening one of its files needs.
   */
  async authorizeReadById(principal: AgentPrincipal, conversationId: string): Promise<void> {
    await this.authorizeRead(principal, await this.findOrFail(conversationId));
  }

  async assignmentEvent(
    conversationOrId: Conversation | string,
    reason: string,
    historyLimit = HISTORY_LIMIT,
  ): Promise<DeskAssignmentEvent> {
    const conversationId = typeof conversationOrId === 'string' ? conversationOrId : conversationOrId.id;
    // One round trip: each assignment pushes this view to a desk.
    const {
      rows: [row],
    } = await runPrepared<{
      conversation: Record<string, unknown>;
      contact: Record<string, unknown>;
      messages: Record<string, unknown>[];
    }>(this.dataSource, CONVERSATION_WITH_HISTORY, [conversationId, historyLimit]);
    if (!row) throw new NotFoundError('Conversation introuvable');
    const conversation = typeof conversationOrId === 'string' ? hydrateEntity(this.dataSource, Conversation, row.conversation) : conversationOrId;
    const messages = row.messages.map((message) => hydrateEntity(this.dataSource, Message, message));
    const contact = hydrateEntity(this.dataSource, Contact, row.contact);
    return {
      conversation: toDeskConversation(conversation, contact, previewMessage(messages)),
      messages: messages.map(toDeskMessage),
      reason,
    };
  }

  /**
   * The agent's reply, stored exactly once per clientMessageId, 'queued' for delivery (sending it is the channels'
   * business: ReplyToCitizenUseCase). Answers the stored message, also when it had been stored before.
   */
  async storeReply(principal: AgentPrincipal, conversationId: string, clientMessageId: string, text: string): Promise<Message> {
    const body = text.trim();
    if (!body) throw new InvalidInputError('Le message est vide');
    // One statement (one round trip) on the path every reply takes: under a lock of the conversation, the reply is
    // stored only if the conversation is still this agent's, with its timestamps and its audit entry; a reply sent
    // twice (same client id) is stored once.
    const {
      rows: [row],
    } = await runPrepared<{ assignee_id: string | null; status: string; message: Record<string, unknown> | null }>(
      this.dataSource,
      STORE_AGENT_REPLY,
      [conversationId, principal.agentId, body, clientMessageId],
    );
    if (!row) throw new NotFoundError('Conversation introuvable');
    if (row.assignee_id !== principal.agentId || row.status !== 'assigned') {
      throw new ForbiddenError("Cette conversation ne vous est pas attribuée");
    }
    return row.message
      ? hydrateEntity(this.dataSource, Message, row.message)
      : this.dataSource.getRepository(Message).findOneByOrFail({ conversationId, clientMessageId });
  }

  /** Closes a conversation the agent holds; the freed capacity triggers routing. */
  async close(principal: AgentPrincipal, conversationId: string, outcome: string): Promise<DeskConversationView> {
    const closed = await this.dataSource.transaction(async (manager) => {
      const conversation = await manager
        .getRepository(Conversation)
        .findOne({ where: { id: conversationId }, lock: { mode: 'pessimistic_write' } });
      if (!conversation) throw new NotFoundError('Conversation introuvable');
      const mayClose =
        conversation.assigneeId === principal.agentId || principal.role === 'supervisor' || principal.role === 'admin';
      if (!mayClose) throw new ForbiddenError("Cette conversation ne vous est pas attribuée");
      if (conversation.status === 'closed') return { conversation, newlyClosed: false };
      const now = new Date();
      conversation.status = 'closed';
      conversation.closedAt = now;
      conversation.closeOutcome = outcome;
      await manager.save(conversation);
      await manager
        .createQueryBuilder()
        .update(Assignment)
        .set({ endedAt: now, endReason: 'closed' })
        .where('conversation_id = :conversationId AND ended_at IS NULL', { conversationId })
        .execute();
      await this.audit.record(
        {
          actorType: 'agent',
          actorId: principal.agentId,
          action: 'conversation.close',
          subjectType: 'conversation',
          subjectId: conversationId,
          details: { outcome },
        },
        manager,
      );
      return { conversation, newlyClosed: true };
    });
    await this.jobs.add(QueueName.Routing, { reason: 'capacity-freed' });
    if (closed.newlyClosed) await this.realtime.queueChanged('close');
    if (closed.newlyClosed) await this.tellWebchatCitizenClosed(closed.conversation);
    return this.deskView(closed.conversation);
  }

  /**
   * The web chat citizen sees at once that the gendarme ended the conversation (and is offered the rating and the
   * transcript); writing again reopens it through the usual intake. Not after a quick exit: nobody is there.
   */
  private async tellWebchatCitizenClosed(conversation: Conversation): Promise<void> {
    if (conversation.channel !== 'webchat' || conversation.citizenLeftAt) return;
    const identity = await this.dataSource.getRepository(ChannelIdentity).findOneBy({ id: conversation.identityId });
    if (!identity) return;
    await this.realtime.toCitizen(identity.externalId, 'status', { state: 'closed', closedBy: 'agent' });
  }

  /**
   * The assignee has the conversation on screen: the citizen's messages that arrived until now become read. Only
   * the assignee counts (a supervisor looking in is not the person answering). The web chat citizen sees "read" live;
   * other channels are told by the caller (Messenger's "seen").
   */
  async markReadByAssignee(principal: AgentPrincipal, conversationId: string): Promise<ConversationRead> {
    const conversation = await this.findOrFail(conversationId);
    if (conversation.assigneeId !== principal.agentId || conversation.status !== 'assigned') {
      throw new ForbiddenError("Cette conversation ne vous est pas attribuée");
    }
    // TypeORM returns [rows, count] for an UPDATE ... RETURNING.
    const [rows] = (await this.dataSource.query(
      `UPDATE messages SET delivery_status = 'read'
        WHERE conversation_id = $1 AND direction = 'inbound' AND delivery_status = 'received'
      RETURNING id, channel_message_id`,
      [conversationId],
    )) as [{ id: string; channel_message_id: string | null }[], number];
    if (rows.length > 0 && conversation.channel === 'webchat' && !conversation.citizenLeftAt) {
      const identity = await this.dataSource.getRepository(ChannelIdentity).findOneBy({ id: conversation.identityId });
      if (identity) {
        // The gateway stores web chat messages under "<visitorId>:<clientMessageId>".
        const prefix = `${identity.externalId}:`;
        await Promise.all(
          rows.map((row) =>
            this.realtime.toCitizen(identity.externalId, 'message:status', {
              id: row.id,
              status: 'read',
              ...(row.channel_message_id?.startsWith(prefix)
                ? { clientMessageId: row.channel_message_id.slice(prefix.length) }
                : {}),
            }),
          ),
        );
      }
    }
    return { conversationId, channel: conversation.channel, read: rows.length };
  }

  /** What the citizen's widget shows on reconnect: the messages of their latest conversation, both ways. */
  async citizenHistory(channel: string, externalId: string): Promise<CitizenMessageView[]> {
    const identity = await this.dataSource
      .getRepository(ChannelIdentity)
      .findOneBy({ channel, channelAccount: '', externalId });
    if (!identity) return [];
    const conversation = await this.dataSource
      .getRepository(Conversation)
      .findOne({ where: { identityId: identity.id }, order: { createdAt: 'DESC' } });
    if (!conversation) return [];
    const messages = await this.dataSource.getRepository(Message).find({
      where: { conversationId: conversation.id, direction: In(['inbound', 'outbound']) },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: HISTORY_LIMIT,
    });
    const authorIds = [...new Set(messages.map((m) => m.authorAgentId).filter((id): id is string => !!id))];
    const authors = authorIds.length
      ? await this.dataSource.getRepository(Agent).findBy({ id: In(authorIds) })
      : [];
    const names = new Map(authors.map((agent) => [agent.id, agent.displayName]));
    return messages.map((m) => toCitizenMessage(m, m.authorAgentId ? names.get(m.authorAgentId) : undefined));
  }

  /** The widget confirms what it displayed: those agent messages become delivered. */
  async markDeliveredToCitizen(
    externalId: string,
    messageIds: string[],
  ): Promise<Pick<Message, 'id' | 'conversationId' | 'authorAgentId'>[]> {
    if (messageIds.length === 0) return [];
    // TypeORM returns [rows, count] for an UPDATE ... RETURNING.
    const [rows] = (await this.dataSource.query(
      `UPDATE messages m SET delivery_status = 'delivered'
         FROM conversations c JOIN channel_identities i ON i.id = c.identity_id
        WHERE m.id = ANY($1::uuid[]) AND m.conversation_id = c.id AND m.direction = 'outbound'
          AND m.delivery_status IN ('queued', 'sent') AND i.channel = 'webchat' AND i.external_id = $2
      RETURNING m.id, m.conversation_id AS "conversationId", m.author_agent_id AS "authorAgentId"`,
      [messageIds, externalId],
    )) as [Pick<Message, 'id' | 'conversationId' | 'authorAgentId'>[], number];
    return rows;
  }

  /** deskView for a whole list in three queries (the list tabs show up to DESK_LIST_LIMIT rows). */
  private async deskViews(conversations: Conversation[]): Promise<DeskConversationView[]> {
    if (conversations.length === 0) return [];
    const contacts = await this.dataSource
      .getRepository(Contact)
      .findBy({ id: In([...new Set(conversations.map((conversation) => conversation.contactId))]) });
    const lastMessages: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT DISTINCT ON (conversation_id) ${MESSAGE_COLUMNS} FROM messages
        WHERE conversation_id = ANY($1::uuid[]) AND author_type <> 'system'
        ORDER BY conversation_id, created_at DESC, id DESC`,
      [conversations.map((conversation) => conversation.id)],
    );
    const contactById = new Map(contacts.map((contact) => [contact.id, contact]));
    const lastByConversation = new Map(
      lastMessages.map((row) => {
        const message = hydrateEntity(this.dataSource, Message, row);
        return [message.conversationId, message];
      }),
    );
    return conversations
      .filter((conversation) => contactById.has(conversation.contactId))
      .map((conversation) =>
        toDeskConversation(conversation, contactById.get(conversation.contactId)!, lastByConversation.get(conversation.id) ?? null),
      );
  }

  async deskView(conversation: Conversation): Promise<DeskConversationView> {
    const contact = await this.dataSource.getRepository(Contact).findOneByOrFail({ id: conversation.contactId });
    const lastMessage = await this.dataSource
      .getRepository(Message)
      .findOne({ where: { conversationId: conversation.id, authorType: Not('system') }, order: { createdAt: 'DESC', id: 'DESC' } });
    return toDeskConversation(conversation, contact, lastMessage);
  }

  private async findOrFail(conversationId: string): Promise<Conversation> {
    const conversation = await this.dataSource.getRepository(Conversation).findOneBy({ id: conversationId });
    if (!conversation) throw new NotFoundError('Conversation introuvable');
    return conversation;
  }

  /**
   * The assignee reads freely. Supervisors and admins read any conversation; an agent reads one waiting in one of their
   * queues (the desk's "waiting in my queues" tab and search). Both are recorded in the access audit.
   */
  private async authorizeRead(principal: AgentPrincipal, conversation: Conversation): Promise<void> {
    if (conversation.assigneeId === principal.agentId) return;
    if (principal.role !== 'supervisor' && principal.role !== 'admin' && !(await this.waitsInQueueOf(principal, conversation))) {
      throw new ForbiddenError("Cette conversation ne vous est pas attribuée");
    }
    await this.audit.record({
      actorType: 'agent',
      actorId: principal.agentId,
      action: 'conversation.read',
      subjectType: 'conversation',
      subjectId: conversation.id,
      details: { role: principal.role },
    });
  }

  private async waitsInQueueOf(principal: AgentPrincipal, conversation: Conversation): Promise<boolean> {
    if (conversation.status !== 'waiting') return false;
    const agent = await this.dataSource.getRepository(Agent).findOne({ where: { id: principal.agentId }, select: { id: true, skills: true } });
    return !!agent?.skills.includes(conversation.queue);
  }
}

import { Injectable } from '@nestjs/common';
import { ForbiddenError, InvalidInputError, NotFoundError } from '@brigade/errors';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, IsNull, Not } from 'typeorm';
import type { AgentPrincipal } from '@brigade/agents';
import { AuditService } from '@brigade/audit';
import { JobProducer, QueueName } from '@brigade/queue';
import { RealtimePublisher } from '@brigade/realtime';
import type { CannedReplyView, DeskContactHistoryView, DeskConversationView, DeskMessageView } from '@brigade/realtime';
import { ChannelIdentity, Contact } from '@brigade/contacts';
import { CannedReply } from './canned-reply.entity';
import { Conversation, Priority } from './conversation.entity';
import { ConversationsService } from './conversations.service';
import { previewMessage, toDeskConversation, toDeskMessage } from './desk-views';
import { Message } from './message.entity';

const MAX_TAGS = 20;
const PAST_CONVERSATIONS = 10;
const PAST_MESSAGES = 100;
const TAG_PATTERN = /^[\p{L}\p{N}_-]{1,40}$/u;

/** What the desk does to a conversation besides answering: private notes, tags, emergency escalation, canned replies. */
@Injectable()
export class DeskToolsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly conversations: ConversationsService,
    private readonly audit: AuditService,
    private readonly realtime: RealtimePublisher,
    private readonly jobs: JobProducer,
  ) {}

  /** The shared replies, and the agent's own personal ones when an agent is given. */
  async cannedReplies(language = 'fr', agentId?: string): Promise<CannedReplyView[]> {
    const where = agentId ? [{ language, ownerAgentId: IsNull() }, { language, ownerAgentId: agentId }] : { language, ownerAgentId: IsNull() };
    const replies = await this.dataSource.getRepository(CannedReply).find({ where, order: { shortcut: 'ASC' } });
    return replies.map(({ id, shortcut, title, text, language: lang }) => ({ id, shortcut, title, text, language: lang }));
  }

  /**
   * The contact's earlier conversations, across channels: for whoever may read this one (its assignee, a supervisor
   * or an admin); a reader other than the assignee is recorded in the access audit. Sensitive conversations are not
   * shown here, only counted, so that a victim's earlier exchange does not surface in a routine one.
   */
  async contactHistory(principal: AgentPrincipal, conversationId: string): Promise<DeskContactHistoryView> {
    const current = await this.dataSource.getRepository(Conversation).findOneBy({ id: conversationId });
    if (!current) throw new NotFoundError('Conversation introuvable');
    const supervising = principal.role === 'supervisor' || principal.role === 'admin';
    if (current.assigneeId !== principal.agentId && !supervising) {
      throw new ForbiddenError("Cette conversation ne vous est pas attribuée");
    }
    if (current.assigneeId !== principal.agentId) {
      await this.audit.record({
        actorType: 'agent',
        actorId: principal.agentId,
        action: 'contact.history.read',
        subjectType: 'conversation',
        subjectId: conversationId,
        details: { role: principal.role, contactId: current.contactId },
      });
    }
    // Contacts linked by an administrator as the same citizen share one history (one level: see ContactsAdminService).
    const linked: { id: string }[] = await this.dataSource.query(
      `WITH root AS (SELECT COALESCE(merged_into_id, id) AS id FROM contacts WHERE id = $1)
       SELECT k.id FROM contacts k, root WHERE k.id = root.id OR k.merged_into_id = root.id`,
      [current.contactId],
    );
    const past = await this.dataSource.getRepository(Conversation).find({
      where: { contactId: In(linked.map((row) => row.id)), id: Not(conversationId) },
      order: { createdAt: 'DESC' },
      take: PAST_CONVERSATIONS,
    });
    const shown = past.filter((conversation) => !conversation.sensitive);
    const contact = await this.dataSource.getRepository(Contact).findOneByOrFail({ id: current.contactId });
    const messages = shown.length
      ? await this.dataSource.getRepository(Message).find({
          where: { conversationId: In(shown.map((c) => c.id)) },
          order: { createdAt: 'ASC', id: 'ASC' },
        })
      : [];
    const identities = await this.dataSource.getRepository(ChannelIdentity).find({
      where: { contactId: In(linked.map((row) => row.id)) },
      order: { createdAt: 'ASC' },
    });
    return {
      contact: {
        pseudonym: contact.pseudonym,
        displayName: current.sensitive ? null : contact.displayName,
        sensitive: current.sensitive,
        identities: identities.map((identity) => ({ channel: identity.channel, name: current.sensitive ? null : identity.displayName })),
        linkedContacts: linked.length - 1,
      },
      hiddenSensitive: past.length - shown.length,
      conversations: shown.map((conversation) => {
        const own = messages.filter((m) => m.conversationId === conversation.id).slice(-PAST_MESSAGES);
        return {
          conversation: toDeskConversation(conversation, contact, previewMessage(own)),
          closeOutcome: conversation.closeOutcome,
          messages: own.map(toDeskMessage),
        };
      }),
    };
  }

  /** A private note: stored with the conversation (direction 'internal'), never sent to the citizen. */
  async addNote(
    principal: AgentPrincipal,
    conversationId: string,
    clientMessageId: string,
    text: string,
  ): Promise<DeskMessageView> {
    const body = text.trim();
    if (!body) throw new InvalidInputError('La note est vide');
    const { note, conversation, isNew } = await this.dataSource.transaction(async (manager) => {
      const conversation = await this.lockForDesk(manager, principal, conversationId);
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(Message)
        .values({
          conversationId,
          channel: conversation.channel,
          direction: 'internal',
          authorType: 'agent',
          authorAgentId: principal.agentId,
          text: body,
          attachments: [],
          clientMessageId,
          deliveryStatus: 'received',
        })
        .orIgnore()
        .returning('id')
        .execute();
      const note = await manager.getRepository(Message).findOneByOrFail({ conversationId, clientMessageId });
      const isNew = inserted.raw.length > 0;
      if (isNew) await this.record(manager, principal, 'conversation.note', conversationId, { messageId: note.id });
      return { note: toDeskMessage(note), conversation, isNew };
    });
    // A supervisor's note reaches the assignee's open desk.
    if (isNew && conversation.assigneeId && conversation.assigneeId !== principal.agentId) {
      await this.realtime.toAgent(conversation.assigneeId, 'message:new', note);
    }
    return note;
  }

  async setTags(principal: AgentPrincipal, conversationId: string, tags: string[]): Promise<DeskConversationView> {
    const normalised = [...new Set(tags.map((tag) => tag.trim().toLowerCase()).filter(Boolean))];
    if (normalised.length > MAX_TAGS) throw new InvalidInputError(`Au plus ${MAX_TAGS} étiquettes`);
    const invalid = normalised.find((tag) => !TAG_PATTERN.test(tag));
    if (invalid !== undefined) throw new InvalidInputError(`Étiquette invalide : ${invalid}`);
    const updated = await this.dataSource.transaction(async (manager) => {
      const conversation = await this.lockForDesk(manager, principal, conversationId);
      conversation.tags = normalised;
      await manager.update(Conversation, { id: conversationId }, { tags: normalised });
      await this.record(manager, principal, 'conversation.tags', conversationId, { tags: normalised });
      return conversation;
    });
    return this.publishUpdate(updated, principal);
  }

  /**
   * Marks a conversation as an emergency: top priority (a waiting one jumps the queue) and a note in its history
   * saying who escalated it and why, so the next reader and the operations centre see it at once.
   */
  async escalate(principal: AgentPrincipal, conversationId: string, reason: string): Promise<DeskConversationView> {
    const updated = await this.dataSource.transaction(async (manager) => {
      const conversation = await this.lockForDesk(manager, principal, conversationId);
      if (conversation.status === 'closed' || conversation.status === 'abandoned') {
        throw new InvalidInputError('Cette conversation est terminée');
      }
      const previousPriority = conversation.priority;
      conversation.priority = Priority.Emergency;
      await manager.update(Conversation, { id: conversationId }, { priority: Priority.Emergency });
      await manager.insert(Message, {
        conversationId,
        channel: conversation.channel,
        direction: 'internal',
        authorType: 'system',
        authorAgentId: principal.agentId,
        text: `Urgence signalée : ${reason.trim()}`,
        attachments: [],
        deliveryStatus: 'received',
      });
      await this.record(manager, principal, 'conversation.escalate', conversationId, { reason, previousPriority });
      return conversation;
    });
    if (updated.status === 'waiting') await this.jobs.add(QueueName.Routing, { reason: 'escalated' });
    return this.publishUpdate(updated, principal);
  }

  /** Its assignee, or a supervisor or admin, may act on a conversation; the row is locked for the change. */
  private async lockForDesk(
    manager: EntityManager,
    principal: AgentPrincipal,
    conversationId: string,
  ): Promise<Conversation> {
    const conversation = await manager
      .getRepository(Conversation)
      .findOne({ where: { id: conversationId }, lock: { mode: 'pessimistic_write' } });
    if (!conversation) throw new NotFoundError('Conversation introuvable');
    const allowed =
      conversation.assigneeId === principal.agentId || principal.role === 'supervisor' || principal.role === 'admin';
    if (!allowed) throw new ForbiddenError("Cette conversation ne vous est pas attribuée");
    return conversation;
  }

  private async publishUpdate(conversation: Conversation, principal: AgentPrincipal): Promise<DeskConversationView> {
    const view = await this.conversations.deskView(conversation);
    if (conversation.assigneeId && conversation.assigneeId !== principal.agentId) {
      await this.realtime.toAgent(conversation.assigneeId, 'conversation:updated', view);
    }
    return view;
  }

  private record(
    manager: EntityManager,
    principal: AgentPrincipal,
    action: string,
    conversationId: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    return this.audit.record(
      { actorType: 'agent', actorId: principal.agentId, action, subjectType: 'conversation', subjectId: conversationId, details },
      manager,
    );
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { ChannelIdentity, Contact, newPseudonym } from '@brigade/contacts';
import {
  CITIZEN_LANGUAGES,
  CitizenLanguage,
  Conversation,
  DEFAULT_CITIZEN_LANGUAGE,
  MESSAGE_COLUMNS,
  Message,
  Priority,
  citizenLanguageOf,
  declaredLanguage,
  detectCitizenLanguage,
} from '@brigade/conversations';
import { hydrateEntity, preparedStatement, runPrepared } from '@brigade/persistence';
import { RealtimePublisher } from '@brigade/realtime';
import type { ConversationOpening } from './inbound-message';
import { InboxEntry, isErasedPayload } from './inbox-entry.entity';

export interface IngestOutcome {
  conversation: Conversation;
  message: Message;
  /** False when the entry had been ingested before (a redelivered job): nothing was written. */
  stored: boolean;
  /** A new conversation, or a recently closed one reopened: either way it entered the queue. */
  conversationOpened: boolean;
  conversationReopened: boolean;
  /** The automatic acknowledgement stored for the citizen when the conversation entered the queue. */
  acknowledgement: Message | null;
  /** The citizen's id on the channel (the web chat visitor id): what answering them needs. */
  citizenExternalId: string;
  /**
   * Whether surge mode was on, read in the same statement as the conversation (the common case only): with the
   * conversation as written under its lock, it is all triage needs to decide, without reading again.
   */
  surgeEnabled?: boolean;
}

/** The columns a new conversation starts with: the opening the channel asked for (contact form), else the defaults. */
interface OpeningValues {
  queue: string;
  priority: Priority;
  triageState: Record<string, unknown>;
  sensitive: boolean;
}

function openingValues(opening: ConversationOpening | undefined): OpeningValues {
  return {
    queue: opening?.queue ?? 'general',
    priority: (opening?.priority ?? Priority.Normal) as Priority,
    triageState: opening?.topicChosen ? { topicChosen: true } : {},
    sensitive: opening?.sensitive ?? false,
  };
}

/** The inbox entry (`$1`), locked, unless it was ingested already: the start of both one-statement paths. */
const PENDING_ENTRY_CTE = `entry AS (
          SELECT e.id, e.payload, e.received_at FROM inbox_entries e
           WHERE e.id = $1 AND e.processed_at IS NULL
             FOR UPDATE)`;

/** What both one-statement paths answer: the rows as written, the citizen's id and the surge flag. */
interface StatementOutcomeRow {
  message: Record<string, unknown>;
  conversation: Record<string, unknown>;
  acknowledgement?: Record<string, unknown> | null;
  external_id: string;
  surge: boolean;
  /** The language the channel gave with the message (web chat, Bot Framework), if any. */
  declared_language?: string | null;
}

/** See `storeInOpenConversation`. */
const INGEST_IN_OPEN_CONVERSATION = preparedStatement(
  'ingest-in-open-conversation',
  `WITH ${PENDING_ENTRY_CTE},
        open AS (
          SELECT c.id FROM entry
            JOIN channel_identities i ON i.channel = entry.payload->>'channel'
                 AND i.channel_account = entry.payload->>'channelAccount'
                 AND i.external_id = entry.payload->'sender'->>'externalId'
            JOIN conversations c ON c.identity_id = i.id AND c.status IN ('waiting', 'assigned')
             FOR UPDATE OF c),
        message AS (
          INSERT INTO messages (conversation_id, channel, direction, author_type, text, attachments,
                                channel_message_id, delivery_status, created_at)
          SELECT open.id, entry.payload->>'channel', 'inbound', 'citizen', entry.payload->>'text',
                 COALESCE(entry.payload->'attachments', '[]'::jsonb), entry.payload->>'channelMessageId',
                 'received', entry.received_at
            FROM open, entry
          ON CONFLICT DO NOTHING
          RETURNING ${MESSAGE_COLUMNS}),
        conversation AS (
          UPDATE conversations c SET last_citizen_message_at = GREATEST(c.last_citizen_message_at, m.created_at)
            FROM message m WHERE c.id = m.conversation_id
          RETURNING c.*),
        processed AS (
          UPDATE inbox_entries e SET processed_at = now() FROM message m WHERE e.id = $1)
   SELECT row_to_json(m) AS message, row_to_json(c) AS conversation, entry.payload->'sender'->>'externalId' AS external_id,
          COALESCE((SELECT (value->>'enabled')::boolean FROM platform_settings WHERE key = 'surge'), false) AS surge
     FROM message m, conversation c, entry`,
);

/**
 * See `storeFirstContact`. The identity is inserted before its contact, with a contact id drawn here: the foreign key
 * is checked at the end of the statement, when the contact exists, and a contact is written only when its identity is
 * (a concurrent first message of the same citizen makes this statement write nothing).
 */
const INGEST_FIRST_CONTACT = preparedStatement(
  'ingest-first-contact',
  `WITH ${PENDING_ENTRY_CTE},
        identity AS (
          INSERT INTO channel_identities (contact_id, channel, channel_account, external_id, display_name, address)
          SELECT gen_random_uuid(), entry.payload->>'channel', entry.payload->>'channelAccount',
                 entry.payload->'sender'->>'externalId', entry.payload->'sender'->>'displayName',
                 COALESCE(entry.payload->'sender'->'address', '{}'::jsonb)
            FROM entry
           -- A message stored already (whatever its conversation) is left to the general path, which knows redeliveries.
           WHERE NOT EXISTS (SELECT 1 FROM messages m
                              WHERE m.channel = entry.payload->>'channel'
                                AND m.channel_message_id = entry.payload->>'channelMessageId')
          ON CONFLICT DO NOTHING
          RETURNING *),
        contact AS (
          INSERT INTO contacts (id, display_name, pseudonym)
          SELECT identity.contact_id, identity.display_name, $2 FROM identity
          RETURNING id),
        conversation AS (
          INSERT INTO conversations (contact_id, identity_id, channel, status, waiting_since, created_at, last_citizen_message_at,
                                     language, queue, priority, triage_state, sensitive)
          SELECT identity.contact_id, identity.id, identity.channel, 'waiting', entry.received_at, entry.received_at, entry.received_at,
                 CASE WHEN entry.payload->>'language' = ANY($4::text[]) THEN entry.payload->>'language' ELSE $5 END,
                 COALESCE(entry.payload->'opening'->>'queue', 'general'),
                 COALESCE((entry.payload->'opening'->>'priority')::smallint, ${Priority.Normal}),
                 CASE WHEN (entry.payload->'opening'->>'topicChosen')::boolean THEN '{"topicChosen": true}'::jsonb ELSE '{}'::jsonb END,
                 COALESCE((entry.payload->'opening'->>'sensitive')::boolean, false)
            FROM identity, entry
          RETURNING *),
        message AS (
          INSERT INTO messages (conversation_id, channel, direction, author_type, text, attachments,
                                channel_message_id, delivery_status, created_at)
          SELECT c.id, c.channel, 'inbound', 'citizen', entry.payload->>'text',
                 COALESCE(entry.payload->'attachments', '[]'::jsonb), entry.payload->>'channelMessageId',
                 'received', entry.received_at
            FROM conversation c, entry
          ON CONFLICT DO NOTHING
          RETURNING ${MESSAGE_COLUMNS}),
        acknowledgement AS (
          INSERT INTO messages (conversation_id, channel, direction, author_type, text, attachments,
                                client_message_id, delivery_status, created_at)
          SELECT m.conversation_id, m.channel, 'outbound', 'system', $3::jsonb->>c.language, '[]'::jsonb, 'ack-' || entry.id,
                 CASE WHEN m.channel = 'webchat' THEN 'sent' ELSE 'queued' END, m.created_at + interval '1 millisecond'
            FROM message m, conversation c, entry
          RETURNING ${MESSAGE_COLUMNS}),
        processed AS (
          UPDATE inbox_entries e SET processed_at = now() FROM message m WHERE e.id = $1)
   SELECT row_to_json(m) AS message, row_to_json(c) AS conversation, row_to_json(a) AS acknowledgement,
          entry.payload->'sender'->>'externalId' AS external_id, entry.payload->>'language' AS declared_language,
          COALESCE((SELECT (value->>'enabled')::boolean FROM platform_settings WHERE key = 'surge'), false) AS surge
     FROM message m, conversation c, acknowledgement a, entry`,
);

/**
 * Turns one inbox entry into contact, conversation and message rows, exactly once: the entry row is locked,
 * the message has a unique channel id, and a conversation is opened at most once per identity.
 */
@Injectable()
export class IngestMessageUseCase {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly realtime: RealtimePublisher,
  ) {}

  async execute(inboxEntryId: string): Promise<IngestOutcome | null> {
    const outcome =
      (await this.storeInOpenConversation(inboxEntryId)) ??
      (await this.storeFirstContact(inboxEntryId)) ??
      (await this.store(inboxEntryId));
    // A conversation entered the queue: the supervisors' live view counts it (after the commit, so it is seen).
    if (outcome?.stored && outcome.conversationOpened) await this.realtime.queueChanged('arrival');
    return outcome;
  }

  /**
   * The common case in one statement (one round trip, atomic on its own): a new message of a citizen whose
   * conversation is open. It locks the entry and the conversation as `store` does, inserts the message, updates the
   * conversation and marks the entry processed, or writes nothing and answers null: no open conversation (a new or
   * reopened one), an entry processed already, or a message stored already (a redelivery). `store` then takes over.
   *
   * Why: each round trip to PostgreSQL costs a socket write and a context switch, and a message in an open
   * conversation is nearly all of the traffic.
   */
  private async storeInOpenConversation(inboxEntryId: string): Promise<IngestOutcome | null> {
    const { rows } = await runPrepared<StatementOutcomeRow>(this.dataSource, INGEST_IN_OPEN_CONVERSATION, [inboxEntryId]);
    return rows[0] ? this.outcomeOf(rows[0], false) : null;
  }

  /**
   * The first message of a citizen never seen on this channel, in one statement (one round trip, one commit instead
   * of a dozen): contact, identity, conversation, message and acknowledgement, and the entry marked processed. Writes
   * nothing and answers null when the identity exists (or was created meanwhile by a concurrent message): `store`
   * then takes over. Why: a new conversation cost a dozen statements where a message in an open one costs one.
   */
  private async storeFirstContact(inboxEntryId: string): Promise<IngestOutcome | null> {
    const { rows } = await runPrepared<StatementOutcomeRow>(this.dataSource, INGEST_FIRST_CONTACT, [
      inboxEntryId,
      newPseudonym(),
      JSON.stringify(this.config.routing.acknowledgementTexts),
      CITIZEN_LANGUAGES,
      DEFAULT_CITIZEN_LANGUAGE,
    ]);
    if (!rows[0]) return null;
    const outcome = this.outcomeOf(rows[0], true);
    if (!declaredLanguage(rows[0].declared_language)) await this.answerInDetectedLanguage(outcome);
    return outcome;
  }

  /**
   * Messenger and X do not say which language the citizen writes: read it from the first message, and when it is not
   * the default, say so on the conversation and re-word the acknowledgement before anything is sent (the caller pushes
   * or enqueues it only after this returns). One statement, only for a citizen writing in another language.
   */
  private async answerInDetectedLanguage(outcome: IngestOutcome): Promise<void> {
    const detected = detectCitizenLanguage(outcome.message.text);
    if (!detected || detected === outcome.conversation.language) return;
    const acknowledgementText = this.config.routing.acknowledgementTexts[detected];
    await this.dataSource.query(
      `WITH conversation AS (UPDATE conversations SET language = $2 WHERE id = $1)
       UPDATE messages SET text = $4 WHERE id = $3`,
      [outcome.conversation.id, detected, outcome.acknowledgement?.id ?? null, acknowledgementText],
    );
    outcome.conversation.language = detected;
    if (outcome.acknowledgement) outcome.acknowledgement.text = acknowledgementText;
  }

  /** The language a new conversation starts in: the one the channel declared, else the one the text reads in. */
  private languageOf(payload: { language?: string; text: string }): CitizenLanguage {
    return declaredLanguage(payload.language) ?? detectCitizenLanguage(payload.text) ?? DEFAULT_CITIZEN_LANGUAGE;
  }

  /** The outcome of a one-statement path: a message stored now, in a conversation it opened or not. */
  private outcomeOf(row: StatementOutcomeRow, conversationOpened: boolean): IngestOutcome {
    return {
      conversation: hydrateEntity(this.dataSource, Conversation, row.conversation),
      message: hydrateEntity(this.dataSource, Message, row.message),
      stored: true,
      conversationOpened,
      conversationReopened: false,
      acknowledgement: row.acknowledgement ? hydrateEntity(this.dataSource, Message, row.acknowledgement) : null,
      citizenExternalId: row.external_id,
      surgeEnabled: row.surge,
    };
  }

  private async store(inboxEntryId: string): Promise<IngestOutcome | null> {
    return this.dataSource.transaction(async (manager) => {
      const entry = await manager
        .getRepository(InboxEntry)
        .findOne({ where: { id: inboxEntryId }, lock: { mode: 'pessimistic_write' } });
      // Erased while it waited (its contact's erasure emptied it): nothing left to store, nobody to re-create.
      if (!entry || isErasedPayload(entry.payload)) return null;
      const inbound = entry.payload;
      const { identity, created } = await this.identityFor(manager, entry);
      // A citizen seen for the first time has no conversation yet: nothing to find, nothing to reopen.
      const language = this.languageOf(inbound);
      const opening = openingValues(inbound.opening);
      const { conversation, opened, reopened } = created
        ? await this.openFirstConversation(manager, identity, entry.receivedAt, language, opening)
        : await this.openConversationFor(manager, identity, entry.receivedAt, language, opening);

      const values = {
        conversationId: conversation.id,
        channel: inbound.channel,
        direction: 'inbound' as const,
        authorType: 'citizen' as const,
        text: inbound.text,
        attachments: inbound.attachments,
        channelMessageId: inbound.channelMessageId,
        deliveryStatus: 'received' as const,
        createdAt: entry.receivedAt,
      };
      const inserted = await manager.createQueryBuilder().insert().into(Message).values(values).orIgnore().execute();
      const stored = (inserted.raw as unknown[]).length > 0;
      // Stored now: the row is what was written (its generated columns returned). Else an earlier run stored it.
      const message = stored
        ? manager.create(Message, {
            ...values,
            authorAgentId: null,
            clientMessageId: null,
            deliveryError: null,
            sentAt: null,
            ...(inserted.generatedMaps[0] as Partial<Message>),
          })
        : await manager.getRepository(Message).findOneByOrFail({ channel: inbound.channel, channelMessageId: inbound.channelMessageId });
      // A conversation opened by this message already has it as its last citizen message.
      if (stored && (reopened || !opened)) {
        await manager.query(
          `UPDATE conversations SET last_citizen_message_at = GREATEST(last_citizen_message_at, $2) WHERE id = $1`,
          [conversation.id, entry.receivedAt],
        );
        if (!conversation.lastCitizenMessageAt || conversation.lastCitizenMessageAt < entry.receivedAt) {
          conversation.lastCitizenMessageAt = entry.receivedAt;
        }
      }
      if (!entry.processedAt) {
        await manager.update(InboxEntry, { id: entry.id }, { processedAt: new Date() });
      }
      const acknowledgement = opened && stored ? await this.acknowledge(manager, conversation, entry) : null;
      // The conversation the message landed in, which is not the open one when this is a redelivery of a message
      // stored in a conversation closed since.
      const home =
        message.conversationId === conversation.id
          ? conversation
          : await manager.getRepository(Conversation).findOneByOrFail({ id: message.conversationId });
      return {
        conversation: home,
        message,
        stored,
        conversationOpened: opened,
        conversationReopened: reopened,
        acknowledgement,
        citizenExternalId: identity.externalId,
      };
    });
  }

  private async identityFor(manager: EntityManager, entry: InboxEntry): Promise<{ identity: ChannelIdentity; created: boolean }> {
    const { channel, channelAccount, sender } = entry.payload;
    const identities = manager.getRepository(ChannelIdentity);
    const existing = await identities.findOneBy({ channel, channelAccount, externalId: sender.externalId });
    if (existing) return { identity: existing, created: false };
    const contact = await manager.save(
      manager.create(Contact, { displayName: sender.displayName ?? null, pseudonym: newPseudonym() }),
    );
    const inserted: Record<string, unknown>[] = await manager.query(
      `INSERT INTO channel_identities (contact_id, channel, channel_account, external_id, display_name, address)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING *`,
      [contact.id, channel, channelAccount, sender.externalId, sender.displayName ?? null, sender.address ?? {}],
    );
    if (inserted[0]) return { identity: hydrateEntity(this.dataSource, ChannelIdentity, inserted[0]), created: true };
    // Another worker created it first: the unique address decides, and its contact is kept.
    return { identity: await identities.findOneByOrFail({ channel, channelAccount, externalId: sender.externalId }), created: false };
  }

  /** The first conversation of an identity created in this transaction (no other can exist: its row is ours). */
  private async openFirstConversation(
    manager: EntityManager,
    identity: ChannelIdentity,
    receivedAt: Date,
    language: CitizenLanguage,
    opening: OpeningValues,
  ): Promise<{ conversation: Conversation; opened: boolean; reopened: boolean }> {
    const [row]: Record<string, unknown>[] = await manager.query(
      `INSERT INTO conversations (contact_id, identity_id, channel, status, waiting_since, created_at, last_citizen_message_at, language,
                                  queue, priority, triage_state, sensitive)
       VALUES ($1, $2, $3, 'waiting', $4, $4, $4, $5, $6, $7, $8, $9) RETURNING *`,
      [
        identity.contactId,
        identity.id,
        identity.channel,
        receivedAt,
        language,
        opening.queue,
        opening.priority,
        opening.triageState,
        opening.sensitive,
      ],
    );
    return { conversation: hydrateEntity(this.dataSource, Conversation, row), opened: true, reopened: false };
  }

  private async openConversationFor(
    manager: EntityManager,
    identity: ChannelIdentity,
    receivedAt: Date,
    language: CitizenLanguage,
    opening: OpeningValues,
  ): Promise<{ conversation: Conversation; opened: boolean; reopened: boolean }> {
    const conversations = manager.getRepository(Conversation);
    const open = await conversations
      .createQueryBuilder('c')
      .where('c.identity_id = :identityId', { identityId: identity.id })
      .andWhere(`c.status IN ('waiting', 'assigned')`)
      .setLock('pessimistic_write')
      .getOne();
    if (open) return { conversation: open, opened: false, reopened: false };
    const reopened = await this.reopenRecent(manager, identity, receivedAt);
    if (reopened) return { conversation: reopened, opened: true, reopened: true };
    const inserted = await manager
      .createQueryBuilder()
      .insert()
      .into(Conversation)
      .values({
        contactId: identity.contactId,
        identityId: identity.id,
        channel: identity.channel,
        status: 'waiting',
        waitingSince: receivedAt,
        createdAt: receivedAt,
        lastCitizenMessageAt: receivedAt,
        language,
        queue: opening.queue,
        priority: opening.priority,
        // Raw SQL of a constant: TypeORM does not type a jsonb object as an insert value.
        triageState: () => (opening.triageState.topicChosen ? `'{"topicChosen": true}'::jsonb` : `'{}'::jsonb`),
        sensitive: opening.sensitive,
      })
      .orIgnore()
      .returning('id')
      .execute();
    const opened = (inserted.raw as unknown[]).length > 0;
    const conversation = await conversations
      .createQueryBuilder('c')
      .where('c.identity_id = :identityId', { identityId: identity.id })
      .andWhere(`c.status IN ('waiting', 'assigned')`)
      .getOneOrFail();
    return { conversation, opened, reopened: false };
  }

  /**
   * A citizen writing again shortly after a close continues the same conversation: it goes back to the queue,
   * preferring the gendarme who held it (routing gives it to them only if they are on duty, available and have
   * room). The unique open-conversation index makes a concurrent reopen and open fail one of the two (retried).
   */
  private async reopenRecent(manager: EntityManager, identity: ChannelIdentity, receivedAt: Date): Promise<Conversation | null> {
    const windowMs = this.config.routing.reopenWindowMs;
    if (windowMs <= 0) return null;
    const [rows] = (await manager.query(
      `UPDATE conversations SET status = 'waiting', waiting_since = $2, closed_at = NULL, close_outcome = NULL,
              previous_assignee_id = COALESCE(assignee_id, previous_assignee_id), assignee_id = NULL, assigned_at = NULL,
              routing_hint = 'prefer-previous', last_citizen_message_at = $2
        WHERE id = (SELECT id FROM conversations
                     WHERE identity_id = $1 AND status IN ('closed', 'abandoned') AND closed_at >= $3
                     ORDER BY closed_at DESC LIMIT 1)
      RETURNING id`,
      [identity.id, receivedAt, new Date(receivedAt.getTime() - windowMs)],
    )) as [{ id: string }[], number];
    if (rows.length === 0) return null;
    return manager.getRepository(Conversation).findOneByOrFail({ id: rows[0].id });
  }

  /** The automatic acknowledgement, stored in the conversation as a system message for the citizen. */
  private async acknowledge(manager: EntityManager, conversation: Conversation, entry: InboxEntry): Promise<Message> {
    // The web chat pushes it at once from the worker; the other channels send it through the outbound queue.
    const status = conversation.channel === 'webchat' ? 'sent' : 'queued';
    const acknowledgement = manager.create(Message, {
      conversationId: conversation.id,
      channel: conversation.channel,
      direction: 'outbound',
      authorType: 'system',
      text: this.config.routing.acknowledgementTexts[citizenLanguageOf(conversation.language)],
      attachments: [],
      clientMessageId: `ack-${entry.id}`,
      deliveryStatus: status,
      createdAt: new Date(entry.receivedAt.getTime() + 1),
    });
    return manager.save(acknowledgement);
  }
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { QueueCatalog } from '@brigade/administration';
import { AuditService } from '@brigade/audit';
import { KnowledgeEventsService, KnowledgeSearchService, answerAsPlainText } from '@brigade/knowledge-base';
import { Conversation, MESSAGE_COLUMNS, Message, citizenLanguageOf, detectCitizenLanguage, toDeskMessage } from '@brigade/conversations';
import { hydrateEntity, preparedStatement, runPrepared } from '@brigade/persistence';
import { RealtimePublisher } from '@brigade/realtime';
import { AssignmentNotifier } from '@brigade/routing';
import { DEFAULT_KNOWLEDGE_BASE } from './knowledge-base';
import { topicsFromQueues } from './topics';
import {
  EMERGENCY_PRIORITY,
  RecognisedArticle,
  StoredTriageState,
  TriageDecision,
  TriageState,
  changesNothing,
  decideTriage,
  mayAnswerFromKnowledge,
} from './triage-policy';

export interface TriageInput {
  conversation: Conversation;
  message: Message;
  stored: boolean;
  conversationOpened: boolean;
  /** The web chat visitor id, when known: saves looking it up to answer. */
  citizenExternalId?: string;
  /**
   * Set when `conversation` is the row as just written under its lock, read with the surge flag in the same
   * statement: the quick decision is then taken from them without another read.
   */
  surgeEnabled?: boolean;
}

interface TriageSnapshot {
  status: TriageState['status'];
  priority: number;
  language: string;
  triage_state: StoredTriageState | null;
  surge: { enabled?: boolean } | null;
}

/** Channels whose messages carry no language of the citizen (the web chat and Bot Framework give theirs). */
const LANGUAGE_UNDECLARED_CHANNELS = new Set(['facebook', 'x']);

const LOCK_CONVERSATION = preparedStatement('triage-lock-conversation', `SELECT * FROM conversations WHERE id = $1 FOR UPDATE`);

/**
 * See `writeIfUnchanged`: the decision's writes in one statement, on condition that the conversation is still as the
 * decision read it (status, priority, language, triage state); otherwise nothing is written and no row comes back.
 */
const WRITE_IF_UNCHANGED = preparedStatement(
  'triage-write-if-unchanged',
  `WITH updated AS (
          UPDATE conversations
             SET priority = COALESCE($2::smallint, priority), queue = COALESCE($3, queue),
                 sensitive = sensitive OR $4, triage_state = $5::jsonb
           WHERE id = $1 AND status = $6 AND priority = $7 AND language = $8
             AND COALESCE(triage_state, '{}'::jsonb) = $9::jsonb
          RETURNING *),
        replies AS (
          INSERT INTO messages (conversation_id, channel, direction, author_type, text, attachments, client_message_id,
                                delivery_status, created_at)
          SELECT u.id, u.channel, 'outbound', 'system', r.text, '[]'::jsonb, r.client_message_id,
                 CASE WHEN u.channel = 'webchat' THEN 'sent' ELSE 'queued' END, r.created_at
            FROM updated u, unnest($10::text[], $11::text[], $12::timestamptz[]) AS r(text, client_message_id, created_at)
          RETURNING ${MESSAGE_COLUMNS})
   SELECT row_to_json(u) AS conversation,
          (SELECT COALESCE(json_agg(row_to_json(r) ORDER BY r.created_at), '[]'::json) FROM replies r) AS replies
     FROM updated u`,
);

/**
 * Runs the first-line assistant after a citizen message is stored and before it is routed, so that an emergency
 * enters routing at emergency priority. Its replies are system messages of the conversation, sent on the same channel.
 */
@Injectable()
export class TriageService {
  private readonly logger = new Logger(TriageService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly notifier: AssignmentNotifier,
    private readonly realtime: RealtimePublisher,
    private readonly audit: AuditService,
    private readonly queues: QueueCatalog,
    private readonly knowledge: KnowledgeSearchService,
    private readonly knowledgeEvents: KnowledgeEventsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * The knowledge-base article that answers the message, when the assistant may answer at all (the conversation
   * waits for a gendarme and the message speaks of no danger); its text is plain, in the conversation's language when
   * a translation exists. Null: the built-in frequent questions apply.
   */
  private async recognise(text: string, status: string, language: string): Promise<RecognisedArticle | null> {
    if (status !== 'waiting' || !text.trim()) return null;
    try {
      const hit = await this.knowledge.recognise(text, language);
      return hit ? { articleKey: hit.articleKey, language: hit.language, text: answerAsPlainText(hit.answer) } : null;
    } catch (error) {
      // The knowledge base helps; it must never stop a message from being routed.
      this.logger.warn({ err: error }, 'knowledge-base search failed during triage');
      return null;
    }
  }

  private async readSnapshot(conversationId: string): Promise<TriageSnapshot | undefined> {
    const [snapshot] = (await this.dataSource.query(
      `SELECT c.status, c.priority, c.language, c.triage_state,
              (SELECT value FROM platform_settings WHERE key = 'surge') AS surge
         FROM conversations c WHERE c.id = $1`,
      [conversationId],
    )) as TriageSnapshot[];
    return snapshot;
  }

  /**
   * Messenger and X do not say the citizen's language: the first message decided it (intake); while the citizen still
   * waits, a later message that clearly reads in another language (the first was "Hallo") moves the conversation to
   * it, so that what the assistant says next, and the gendarme routing prefers, follow.
   */
  private async followDetectedLanguage(input: TriageInput, snapshot: TriageSnapshot): Promise<void> {
    if (!LANGUAGE_UNDECLARED_CHANNELS.has(input.conversation.channel)) return;
    if (input.conversationOpened || snapshot.status !== 'waiting') return;
    const detected = detectCitizenLanguage(input.message.text);
    if (!detected || detected === snapshot.language) return;
    await this.dataSource.query(`UPDATE conversations SET language = $2 WHERE id = $1 AND status = 'waiting'`, [
      input.conversation.id,
      detected,
    ]);
    snapshot.language = detected;
  }

  /**
   * The common case of a decision with something to write (the topic menu after a first message, the topic chosen,
   * an answer from the knowledge base) in one statement instead of a transaction of four or five: written only if
   * the conversation is still as the snapshot read it, so that the decision is the one the locked path would take
   * (the same inputs give the same decision). Answers null when something changed meanwhile: the locked path decides
   * again. Emergencies always take the locked path, which audits them in the same transaction.
   */
  private async writeIfUnchanged(
    input: TriageInput,
    snapshot: TriageSnapshot,
    stored: StoredTriageState,
    decision: TriageDecision,
  ): Promise<{ decision: TriageDecision; replies: Message[]; conversation: Conversation } | null> {
    const nextState: StoredTriageState = { topicChosen: decision.topicChosen, emergencyNotified: stored.emergencyNotified ?? false };
    const replies = replyRows(decision, input.message.id);
    const { rows } = await runPrepared<{ conversation: Record<string, unknown>; replies: Record<string, unknown>[] }>(
      this.dataSource,
      WRITE_IF_UNCHANGED,
      [
        input.conversation.id,
        decision.priority,
        decision.queue,
        decision.sensitive,
        JSON.stringify(nextState),
        snapshot.status,
        snapshot.priority,
        snapshot.language,
        JSON.stringify(snapshot.triage_state ?? {}),
        replies.texts,
        replies.clientMessageIds,
        replies.createdAt,
      ],
    );
    if (!rows[0]) return null;
    return {
      decision,
      replies: rows[0].replies.map((row) => hydrateEntity(this.dataSource, Message, row)),
      conversation: hydrateEntity(this.dataSource, Conversation, rows[0].conversation),
    };
  }

  async afterIngest(input: TriageInput): Promise<TriageDecision | null> {
    // A redelivered job has been triaged already: saying it twice would only confuse the citizen.
    if (!input.stored || input.message.authorType !== 'citizen') return null;
    // The menu and what each choice leads to come from the queues table, as the administrators left it.
    const topics = topicsFromQueues(await this.queues.all());
    // Most messages (any after the topic choice, without danger words) change nothing: decided from one read,
    // without a transaction. Anything to write or say is decided again under the conversation's lock.
    const snapshot = input.surgeEnabled === undefined ? await this.readSnapshot(input.conversation.id) : snapshotOf(input);
    if (!snapshot) return null;
    await this.followDetectedLanguage(input, snapshot);
    const snapshotState = (snapshot.triage_state ?? {}) as StoredTriageState;
    // Not searched for a menu choice or danger wording, whose decisions do not use it.
    const recognised = mayAnswerFromKnowledge(
      { status: snapshot.status, topicChosen: snapshotState.topicChosen ?? false },
      input.message.text,
      topics,
    )
      ? await this.recognise(input.message.text, snapshot.status, snapshot.language)
      : null;
    const quick = decideTriage(
      {
        status: snapshot.status,
        priority: snapshot.priority,
        language: citizenLanguageOf(snapshot.language),
        firstMessage: input.conversationOpened,
        topicChosen: snapshotState.topicChosen ?? false,
        emergencyNotified: snapshotState.emergencyNotified ?? false,
        surge: snapshot.surge?.enabled === true,
        leaveAMessageUrl: this.config.surge.contactUrl,
      },
      input.message.text,
      topics,
      DEFAULT_KNOWLEDGE_BASE,
      recognised,
    );
    if (changesNothing(quick, snapshotState)) return quick;

    const written = quick.emergency === null ? await this.writeIfUnchanged(input, snapshot, snapshotState, quick) : null;
    const { decision, replies, conversation } = written ?? (await this.dataSource.transaction(async (manager) => {
      const {
        rows: [locked],
      } = await runPrepared(manager, LOCK_CONVERSATION, [input.conversation.id]);
      if (!locked) return { decision: null, replies: [] as Message[], conversation: null };
      const current = hydrateEntity(this.dataSource, Conversation, locked);
      const stored = (current.triageState ?? {}) as StoredTriageState;
      // Surge mode as read a moment ago: a switch flipped in between is seen from the next message.
      const surge = snapshot.surge?.enabled === true;
      const state: TriageState = {
        status: current.status,
        priority: current.priority,
        language: citizenLanguageOf(current.language),
        firstMessage: input.conversationOpened,
        topicChosen: stored.topicChosen ?? false,
        emergencyNotified: stored.emergencyNotified ?? false,
        surge,
        leaveAMessageUrl: this.config.surge.contactUrl,
      };
      const decision = decideTriage(state, input.message.text, topics, DEFAULT_KNOWLEDGE_BASE, recognised);
      const nextState: StoredTriageState = {
        topicChosen: decision.topicChosen,
        emergencyNotified: state.emergencyNotified || decision.emergency !== null,
      };
      // TypeORM answers an UPDATE ... RETURNING with [rows, count].
      const [[updated]] = (await manager.query(
        `UPDATE conversations
            SET priority = COALESCE($2, priority), queue = COALESCE($3, queue),
                sensitive = sensitive OR $4, triage_state = $5::jsonb
          WHERE id = $1
        RETURNING *`,
        [current.id, decision.priority, decision.queue, decision.sensitive, JSON.stringify(nextState)],
      )) as [Record<string, unknown>[], number];
      const replies: Message[] = [];
      for (const [index, text] of decision.replies.entries()) {
        replies.push(
          await manager.save(
            manager.create(Message, {
              conversationId: current.id,
              channel: current.channel,
              direction: 'outbound',
              authorType: 'system',
              text,
              attachments: [],
              clientMessageId: `triage-${input.message.id}-${index}`,
              // The web chat is answered at once from here; other channels through the outbound queue.
              deliveryStatus: current.channel === 'webchat' ? 'sent' : 'queued',
              createdAt: new Date(Date.now() + index),
            }),
          ),
        );
      }
      if (decision.emergency) {
        await this.audit.record(
          {
            actorType: 'system',
            actorId: null,
            action: 'triage.emergency',
            subjectType: 'conversation',
            subjectId: current.id,
            details: { matched: decision.emergency.matched, messageId: input.message.id },
          },
          manager,
        );
      }
      return { decision, replies, conversation: hydrateEntity(this.dataSource, Conversation, updated) };
    }));
    if (!decision || !conversation) return null;
    if (recognised && decision.replies.some((reply) => reply.startsWith(recognised.text))) {
      await this.knowledgeEvents
        .record({ kind: 'answered', articleKey: recognised.articleKey, language: recognised.language, channel: conversation.channel })
        .catch((error: unknown) => this.logger.warn({ err: error }, 'knowledge-base event not recorded'));
    }

    // The emergency wording goes out first: nothing else the assistant says may delay it.
    for (const reply of replies) await this.notifier.sendAcknowledgement(reply, input.citizenExternalId);
    if (decision.emergency && conversation.status === 'assigned' && conversation.assigneeId) {
      this.logger.warn({ conversationId: conversation.id }, 'emergency in an assigned conversation');
      await this.realtime.toAgent(conversation.assigneeId, 'conversation:emergency', {
        conversationId: conversation.id,
        priority: EMERGENCY_PRIORITY,
        overflow: false,
      });
    }
    if (conversation.status === 'assigned' && conversation.assigneeId) {
      for (const reply of replies) await this.realtime.toAgent(conversation.assigneeId, 'message:new', toDeskMessage(reply));
    }
    return decision;
  }
}

/** The replies of a decision as rows to insert: their ids make a second triage of the same message write nothing. */
function replyRows(decision: TriageDecision, messageId: string): { texts: string[]; clientMessageIds: string[]; createdAt: Date[] } {
  const now = Date.now();
  return {
    texts: decision.replies,
    clientMessageIds: decision.replies.map((_, index) => `triage-${messageId}-${index}`),
    createdAt: decision.replies.map((_, index) => new Date(now + index)),
  };
}

/** The snapshot triage reads, from a conversation row written under its lock and the surge flag read with it. */
function snapshotOf(input: TriageInput): TriageSnapshot {
  const { conversation } = input;
  return {
    status: conversation.status as TriageState['status'],
    priority: conversation.priority,
    language: conversation.language,
    triage_state: conversation.triageState as StoredTriageState,
    surge: { enabled: input.surgeEnabled },
  };
}

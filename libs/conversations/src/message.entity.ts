import { Agent } from '@brigade/agents';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Conversation } from './conversation.entity';

export type MessageDirection = 'inbound' | 'outbound' | 'internal';
export type MessageAuthor = 'citizen' | 'agent' | 'system';
export type DeliveryStatus = 'received' | 'queued' | 'sent' | 'delivered' | 'read' | 'failed';

/**
 * A file or link of a message. Files the platform stored (web chat uploads, Messenger and X attachments downloaded
 * at ingestion) carry `attachmentId` (a row of `attachments`) and an empty `url`; a provider link that could not be
 * downloaded keeps its `url` and says why in `unavailable`.
 */
export interface MessageAttachment {
  type: string;
  url: string;
  name?: string;
  attachmentId?: string;
  contentType?: string;
  size?: number;
  unavailable?: string;
}

/** The expression of `messages.search_vector`: French and English lexemes of the text, accents folded. */
export const MESSAGE_SEARCH_VECTOR =
  `to_tsvector('public.brigade_french'::regconfig, "text") || to_tsvector('public.brigade_english'::regconfig, "text")`;

/**
 * Every column but search_vector, for raw SQL that returns whole message rows (`RETURNING`, `row_to_json`): the
 * search vector is never read by the application and would only add bytes to the hot paths.
 */
export const MESSAGE_COLUMNS =
  'id, conversation_id, channel, direction, author_type, author_agent_id, text, attachments, channel_message_id, ' +
  'client_message_id, delivery_status, delivery_error, delivery_attempts, created_at, sent_at';

/** client_message_id prefix of the automatic queue position messages of the social channels (withdrawn on assignment). */
export const QUEUE_STATUS_MESSAGE_PREFIX = 'queue-status-';

@Entity('messages')
@Index('ix_messages_conversation_time', ['conversationId', 'createdAt'])
// The channel's own message id: a redelivered webhook or a resent socket event is stored once.
@Index('uq_messages_channel_message_id', ['channel', 'channelMessageId'], { unique: true })
// An agent double-submitting the same reply (two tabs, a retry) is stored once.
@Index('uq_messages_client_message_id', ['conversationId', 'clientMessageId'], { unique: true })
// The relay's look for replies still to send: the few queued ones, without reading the whole history.
@Index('ix_messages_outbound_queued', ['createdAt'], { where: `direction = 'outbound' AND delivery_status = 'queued'` })
// Full-text search of the desk (GIN over search_vector, see the MessageSearch migration).
@Index('ix_messages_search', { synchronize: false })
// Search results come newest first: a common word is found by walking the newest messages back (see MessageSearch).
@Index('ix_messages_search_recent', ['createdAt', 'id'])
export class Message {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'conversation_id', type: 'uuid' })
  conversationId: string;

  @ManyToOne(() => Conversation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'conversation_id' })
  conversation?: Conversation;

  @Column({ type: 'text' })
  channel: string;

  @Column({ type: 'text' })
  direction: MessageDirection;

  @Column({ name: 'author_type', type: 'text' })
  authorType: MessageAuthor;

  @Column({ name: 'author_agent_id', type: 'uuid', nullable: true })
  authorAgentId: string | null;

  @ManyToOne(() => Agent, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'author_agent_id' })
  authorAgent?: Agent | null;

  @Column({ type: 'text', default: '' })
  text: string;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  attachments: MessageAttachment[];

  @Column({ name: 'channel_message_id', type: 'text', nullable: true })
  channelMessageId: string | null;

  @Column({ name: 'client_message_id', type: 'text', nullable: true })
  clientMessageId: string | null;

  @Column({ name: 'delivery_status', type: 'text' })
  deliveryStatus: DeliveryStatus;

  @Column({ name: 'delivery_error', type: 'text', nullable: true })
  deliveryError: string | null;

  @Column({ name: 'delivery_attempts', type: 'int', default: 0 })
  deliveryAttempts: number;

  /** For inbound messages, when the platform accepted it (not when a worker stored it). */
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  /**
   * French and English lexemes of the text, accents folded (text search configurations of the MessageSearch
   * migration); computed by PostgreSQL, never written nor read by the application.
   */
  @Column({
    name: 'search_vector',
    type: 'tsvector',
    select: false,
    insert: false,
    update: false,
    generatedType: 'STORED',
    asExpression: MESSAGE_SEARCH_VECTOR,
  })
  searchVector?: string;
}

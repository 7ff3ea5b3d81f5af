import { Agent } from '@brigade/agents';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Conversation } from './conversation.entity';

export type MessageDirection = 'inbound' | 'outbound' | 'internal';
export type MessageAuthor = 'citizen' | 'agent' | 'system';
export type DeliveryStatus = 'received' | 'queued' | 'sent' | 'delivered' | 'read' | 'failed';

export interface MessageAttachment {
  type: string;
  url: string;
  name?: string;
}

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
}

import { Agent } from '@brigade/agents';
import { ChannelIdentity, Contact } from '@brigade/contacts';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

export const CONVERSATION_STATUSES = ['waiting', 'assigned', 'closed', 'abandoned'] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

export type RoutingHint = 'prefer-previous' | 'avoid-previous';

/** Lower is more urgent: the queue is ordered by priority, then by waiting time. */
export enum Priority {
  Emergency = 0,
  Violence = 1,
  Normal = 2,
  Low = 3,
}

@Entity('conversations')
@Index('ix_conversations_queue_order', ['status', 'priority', 'waitingSince'])
@Index('ix_conversations_assignee_status', ['assigneeId', 'status'])
// The console's last-24-hour charts read arrivals by time, queue by queue.
@Index('ix_conversations_created_at', ['createdAt'])
// At most one open conversation per channel identity: concurrent ingestion cannot open two.
@Index('uq_conversations_open_per_identity', ['identityId'], {
  unique: true,
  where: `status IN ('waiting', 'assigned')`,
})
export class Conversation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'contact_id', type: 'uuid' })
  contactId: string;

  @ManyToOne(() => Contact, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'contact_id' })
  contact?: Contact;

  @Column({ name: 'identity_id', type: 'uuid' })
  identityId: string;

  @ManyToOne(() => ChannelIdentity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'identity_id' })
  identity?: ChannelIdentity;

  @Column({ type: 'text' })
  channel: string;

  @Column({ type: 'text', default: 'waiting' })
  status: ConversationStatus;

  @Column({ type: 'text', default: 'general' })
  queue: string;

  @Column({ type: 'text', default: 'fr' })
  language: string;

  @Column({ type: 'smallint', default: Priority.Normal })
  priority: Priority;

  @Column({ name: 'assignee_id', type: 'uuid', nullable: true })
  assigneeId: string | null;

  @ManyToOne(() => Agent, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'assignee_id' })
  assignee?: Agent | null;

  /** Who held it last, kept when it goes back to the queue (reopen, hand-over, transfer). */
  @Column({ name: 'previous_assignee_id', type: 'uuid', nullable: true })
  previousAssigneeId: string | null;

  /** How routing treats the previous assignee: a reopened chat prefers them, a chat they let go avoids them. */
  @Column({ name: 'routing_hint', type: 'text', nullable: true })
  routingHint: RoutingHint | null;

  @Column({ type: 'boolean', default: false })
  sensitive: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** When the conversation (re)entered the queue; the wait is measured from here. */
  @Column({ name: 'waiting_since', type: 'timestamptz', default: () => 'now()' })
  waitingSince: Date;

  @Column({ name: 'assigned_at', type: 'timestamptz', nullable: true })
  assignedAt: Date | null;

  /**
   * Set when the assignment went unanswered past its no-reply delay and nobody else could take it: the supervisors
   * were alerted once for this assignment (escalated when this is at or after assigned_at).
   */
  @Column({ name: 'no_reply_escalated_at', type: 'timestamptz', nullable: true })
  noReplyEscalatedAt: Date | null;

  @Column({ name: 'first_agent_reply_at', type: 'timestamptz', nullable: true })
  firstAgentReplyAt: Date | null;

  @Column({ name: 'last_citizen_message_at', type: 'timestamptz', nullable: true })
  lastCitizenMessageAt: Date | null;

  @Column({ name: 'last_agent_message_at', type: 'timestamptz', nullable: true })
  lastAgentMessageAt: Date | null;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  @Column({ name: 'close_outcome', type: 'text', nullable: true })
  closeOutcome: string | null;

  /** A legal hold stops the retention purge of this conversation (police-justice directive 2016/680). */
  @Column({ name: 'legal_hold', type: 'boolean', default: false })
  legalHold: boolean;

  /** Set when retention removed its messages and the citizen's identifiers; the row stays for statistics. */
  @Column({ name: 'purged_at', type: 'timestamptz', nullable: true })
  purgedAt: Date | null;

  /** What the first-line assistant already did (topic asked, emergency numbers given). */
  @Column({ name: 'triage_state', type: 'jsonb', default: () => "'{}'" })
  triageState: Record<string, unknown>;

  /** Set when the web chat citizen used the quick exit: their device kept nothing, the agent is told. */
  @Column({ name: 'citizen_left_at', type: 'timestamptz', nullable: true })
  citizenLeftAt: Date | null;

  /** Optional satisfaction rating the citizen gave at the end (1 to 5). */
  @Column({ name: 'citizen_rating', type: 'smallint', nullable: true })
  citizenRating: number | null;

  @Column({ name: 'citizen_rated_at', type: 'timestamptz', nullable: true })
  citizenRatedAt: Date | null;

  /**
   * What a social-channel citizen was last told of their place in the queue (Messenger, X, Bot Framework get it as
   * messages, not live): when, the position and wait told, and the wait (its waiting_since) it was told in. Kept here,
   * not per process, so that several workers never tell the same thing twice (docs/routing.md).
   */
  @Column({ name: 'queue_status_told_at', type: 'timestamptz', nullable: true })
  queueStatusToldAt: Date | null;

  @Column({ name: 'queue_status_told_position', type: 'int', nullable: true })
  queueStatusToldPosition: number | null;

  @Column({ name: 'queue_status_told_wait_seconds', type: 'int', nullable: true })
  queueStatusToldWaitSeconds: number | null;

  @Column({ name: 'queue_status_told_for', type: 'timestamptz', nullable: true })
  queueStatusToldFor: Date | null;

  /** Free labels set on the desk (topic, follow-up), used by reports and search. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags: string[];
}

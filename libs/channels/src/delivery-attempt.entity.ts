import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Message } from '@brigade/conversations/entities';

/**
 * - pending: sent to the provider, answer not recorded yet (a worker that dies here leaves it: see docs/channels.md);
 * - in-doubt: a pending attempt found abandoned by a later attempt: the provider may or may not have accepted it.
 */
export type DeliveryAttemptOutcome = 'pending' | 'sent' | 'transient' | 'rate-limited' | 'permanent' | 'in-doubt';

/** One try at handing an agent reply to its channel: what happened and what the provider answered. */
@Entity('delivery_attempts')
@Index('uq_delivery_attempts_message_attempt', ['messageId', 'attempt'], { unique: true })
export class DeliveryAttempt {
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'pk_delivery_attempts' })
  id: string;

  @Column({ name: 'message_id', type: 'uuid' })
  messageId: string;

  @ManyToOne(() => Message, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'message_id', foreignKeyConstraintName: 'fk_delivery_attempts_message' })
  message?: Message;

  /** 1 for the first try of a message. */
  @Column({ type: 'int' })
  attempt: number;

  @Column({ type: 'text' })
  channel: string;

  @Column({ name: 'started_at', type: 'timestamptz', default: () => 'now()' })
  startedAt: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;

  @Column({ type: 'text', default: 'pending' })
  outcome: DeliveryAttemptOutcome;

  @Column({ name: 'provider_message_id', type: 'text', nullable: true })
  providerMessageId: string | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ name: 'retry_after_ms', type: 'int', nullable: true })
  retryAfterMs: number | null;
}

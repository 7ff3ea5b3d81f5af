import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * An inbound message the platform could not store for a reason that retrying would not change (PostgreSQL refused its
 * content, or nothing was left of it after cleaning): kept here with the bytes it arrived with, so that it is never
 * silently lost, the provider still gets its 200 and administrators can see it and replay it once fixed.
 */
@Entity('quarantined_messages')
@Index('ix_quarantined_messages_open', ['receivedAt'], { where: 'replayed_at IS NULL' })
@Index('ix_quarantined_messages_sender', ['channel', 'senderExternalId'])
export class QuarantinedMessage {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_quarantined_messages' })
  id: string;

  @Column({ type: 'text' })
  channel: string;

  @Column({ name: 'channel_message_id', type: 'text', nullable: true })
  channelMessageId: string | null;

  /** The citizen's id on the channel, so that an erasure finds their quarantined messages too. */
  @Column({ name: 'sender_external_id', type: 'text', nullable: true })
  senderExternalId: string | null;

  /** `empty`: nothing left after cleaning; `refused`: PostgreSQL refused it (see `error`). */
  @Column({ type: 'text' })
  reason: string;

  /** The SQLSTATE and message of the refusal, never the citizen's text. */
  @Column({ type: 'text', nullable: true })
  error: string | null;

  /** The message as it reached intake, before any repair: UTF-8 bytes of its JSON. */
  @Column({ type: 'bytea' })
  raw: Buffer;

  @Column({ name: 'correlation_id', type: 'text', nullable: true })
  correlationId: string | null;

  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt: Date;

  @Column({ name: 'replayed_at', type: 'timestamptz', nullable: true })
  replayedAt: Date | null;

  /** What the last replay gave: `stored`, `duplicate`, or why it failed again. */
  @Column({ name: 'replay_outcome', type: 'text', nullable: true })
  replayOutcome: string | null;
}

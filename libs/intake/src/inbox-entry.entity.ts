import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { NormalisedInboundMessage } from './inbound-message';

/**
 * The durable inbox: an inbound message is written here before the platform acknowledges it,
 * so that it survives the loss of Redis; the relay re-enqueues whatever is not processed yet.
 */
@Entity('inbox_entries')
@Index('uq_inbox_entries_channel_message', ['channel', 'channelMessageId'], { unique: true })
@Index('ix_inbox_entries_pending', ['receivedAt'], { where: 'processed_at IS NULL' })
// The pending entries of one sender (an expression index, created by migration InboxPendingBySender): intake stores a
// message at once only when none is waiting ahead of it.
@Index('ix_inbox_entries_pending_sender', { synchronize: false })
export class InboxEntry {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'text' })
  channel: string;

  @Column({ name: 'channel_message_id', type: 'text' })
  channelMessageId: string;

  @Column({ type: 'jsonb' })
  payload: NormalisedInboundMessage;

  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt: Date;

  @Column({ name: 'processed_at', type: 'timestamptz', nullable: true })
  processedAt: Date | null;
}

/** An entry whose contact was erased keeps only its idempotency key and this mark (see PersonalDataService). */
export function isErasedPayload(payload: unknown): boolean {
  return typeof payload === 'object' && payload !== null && (payload as { erased?: unknown }).erased === true;
}

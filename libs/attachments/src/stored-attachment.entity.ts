import { Conversation, Message } from '@brigade/conversations/entities';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { AttachmentKind } from './attachment-inspection';

/**
 * A file a citizen sent, checked and stored (its bytes are in the attachment storage under `storageKey`). It arrives
 * with the channel's message id, before the message row exists (the web chat uploads first, then the worker stores
 * the message), and is linked to its message and conversation when the message is stored.
 */
@Entity('attachments')
// A retried upload or a redelivered webhook stores each file of a message once.
@Index('uq_attachments_channel_message_position', ['channel', 'channelMessageId', 'position'], { unique: true })
@Index('uq_attachments_storage_key', ['storageKey'], { unique: true })
@Index('ix_attachments_conversation', ['conversationId'])
@Index('ix_attachments_message', ['messageId'])
// Uploads whose message never came (a closed tab between the upload and the send) are swept after a while.
@Index('ix_attachments_unlinked', ['createdAt'], { where: 'message_id IS NULL' })
export class StoredAttachment {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'message_id', type: 'uuid', nullable: true })
  messageId: string | null;

  // Deleting a message or a conversation deletes these rows; the files go first (see AttachmentsService.eraseFiles).
  @ManyToOne(() => Message, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'message_id', foreignKeyConstraintName: 'fk_attachments_message' })
  message?: Message | null;

  @Column({ name: 'conversation_id', type: 'uuid', nullable: true })
  conversationId: string | null;

  @ManyToOne(() => Conversation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'conversation_id', foreignKeyConstraintName: 'fk_attachments_conversation' })
  conversation?: Conversation | null;

  @Column({ type: 'text' })
  channel: string;

  @Column({ name: 'channel_message_id', type: 'text' })
  channelMessageId: string;

  /** Order of the file in its message. */
  @Column({ type: 'smallint' })
  position: number;

  @Column({ type: 'text' })
  kind: AttachmentKind;

  /** From the bytes, never from the name or what the sender announced. */
  @Column({ name: 'content_type', type: 'text' })
  contentType: string;

  @Column({ name: 'size_bytes', type: 'int' })
  sizeBytes: number;

  /** Of the bytes as stored (re-encoded for images): what an export or a court can check the file against. */
  @Column({ type: 'text' })
  sha256: string;

  @Column({ name: 'storage_key', type: 'text' })
  storageKey: string;

  /** The sender's file name, cleaned (see cleanFileName): a label, never a path. */
  @Column({ name: 'original_name', type: 'text' })
  originalName: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}

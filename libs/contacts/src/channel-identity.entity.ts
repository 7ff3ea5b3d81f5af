import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Contact } from './contact.entity';

/**
 * The address of a contact on one channel: a web chat visitor id, a page-scoped Facebook id,
 * an X user id or a Bot Framework user id. channel_account is the page, X account or bot that was written to,
 * because Facebook ids are only unique per page.
 */
@Entity('channel_identities')
@Index('uq_channel_identities_address', ['channel', 'channelAccount', 'externalId'], { unique: true })
export class ChannelIdentity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'contact_id', type: 'uuid' })
  contactId: string;

  @ManyToOne(() => Contact, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'contact_id' })
  contact?: Contact;

  @Column({ type: 'text' })
  channel: string;

  @Column({ name: 'channel_account', type: 'text', default: '' })
  channelAccount: string;

  @Column({ name: 'external_id', type: 'text' })
  externalId: string;

  @Column({ name: 'display_name', type: 'text', nullable: true })
  displayName: string | null;

  /** Channel-specific routing data needed to answer, e.g. the Bot Framework serviceUrl and conversation id. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  address: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

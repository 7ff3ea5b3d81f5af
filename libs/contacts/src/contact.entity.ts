import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

/** A citizen, possibly reachable on several channels (see ChannelIdentity). */
@Entity('contacts')
export class Contact {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'display_name', type: 'text', nullable: true })
  displayName: string | null;

  /** Shown instead of the name when the conversation is sensitive, and for anonymous web chat citizens. */
  @Column({ type: 'text' })
  pseudonym: string;

  @Column({ name: 'legal_hold', type: 'boolean', default: false })
  legalHold: boolean;

  /** Linked by an administrator to the contact it is the same citizen as: the desk shows both histories as one. */
  @Index('ix_contacts_merged_into')
  @Column({ name: 'merged_into_id', type: 'uuid', nullable: true })
  mergedIntoId: string | null;

  @ManyToOne(() => Contact, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'merged_into_id', foreignKeyConstraintName: 'fk_contacts_merged_into' })
  mergedInto?: Contact | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

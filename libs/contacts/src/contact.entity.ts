import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

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

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

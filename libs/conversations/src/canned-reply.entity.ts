import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A ready-made answer the desk inserts by its shortcut (e.g. "/plainte"); the agent edits it before sending. */
@Entity('canned_replies')
@Index('uq_canned_replies_language_shortcut', ['language', 'shortcut'], { unique: true })
export class CannedReply {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_canned_replies' })
  id: string;

  /** Typed after "/" in the reply box; lowercase letters, digits and "-". */
  @Column({ type: 'text' })
  shortcut: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text' })
  text: string;

  @Column({ type: 'text', default: 'fr' })
  language: string;

  /**
   * Null: shared by the whole brigade; otherwise the agent whose personal reply it is. No foreign key on purpose:
   * agents are never deleted (only deactivated), and a cascading TRUNCATE of agents must not take the shared replies.
   */
  @Column({ name: 'owner_agent_id', type: 'uuid', nullable: true })
  ownerAgentId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

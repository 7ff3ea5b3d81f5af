import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Agent } from '@brigade/agents/entities';

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

  /** Null: shared by the whole brigade; otherwise the agent whose personal reply it is. */
  @Column({ name: 'owner_agent_id', type: 'uuid', nullable: true })
  ownerAgentId: string | null;

  @ManyToOne(() => Agent, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'owner_agent_id', foreignKeyConstraintName: 'fk_canned_replies_owner' })
  owner?: Agent;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

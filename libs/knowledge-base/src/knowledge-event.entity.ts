import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const KNOWLEDGE_EVENT_KINDS = ['viewed', 'solved', 'inserted', 'no-result', 'answered'] as const;
export type KnowledgeEventKind = (typeof KNOWLEDGE_EVENT_KINDS)[number];

/**
 * One counted use of the knowledge base, for the supervisors' figures: an article viewed by a citizen, a question
 * solved without a gendarme, an article inserted by a gendarme, a search without result (with its words), an answer
 * given by the assistant. No citizen identity is kept.
 */
@Entity('knowledge_events')
@Index('ix_knowledge_events_kind_at', ['kind', 'at'])
export class KnowledgeEvent {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_knowledge_events' })
  id: string;

  @Column({ type: 'text' })
  kind: KnowledgeEventKind;

  @Column({ name: 'article_key', type: 'text', nullable: true })
  articleKey: string | null;

  @Column({ type: 'text' })
  language: string;

  @Column({ type: 'text', nullable: true })
  channel: string | null;

  /** The words of a search without result (what to write next); null otherwise. */
  @Column({ type: 'text', nullable: true })
  query: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at: Date;
}

import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const KB_LANGUAGES = ['fr', 'en', 'de', 'it', 'es'] as const;
export type KbLanguage = (typeof KB_LANGUAGES)[number];
export const ARTICLE_STATUSES = ['draft', 'published', 'archived'] as const;
export type ArticleStatus = (typeof ARTICLE_STATUSES)[number];

/** A link to the official page an article relies on. */
export interface ArticleSource {
  title: string;
  url: string;
}

/**
 * One article of the knowledge base in one language. Translations share `articleKey`. The search columns are
 * written by a trigger (see the KnowledgeBase migration) and never selected by the application.
 */
@Entity('knowledge_articles')
@Check('ck_knowledge_articles_status', `status IN ('draft', 'published', 'archived')`)
@Check('ck_knowledge_articles_language', `language IN ('fr', 'en', 'de', 'it', 'es')`)
@Index('uq_knowledge_articles_key_language', ['articleKey', 'language'], { unique: true })
@Index('ix_knowledge_articles_search', { synchronize: false })
export class KnowledgeArticle {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_knowledge_articles' })
  id: string;

  /** Stable key shared by the translations of one article (e.g. "vote-procuration"). */
  @Column({ name: 'article_key', type: 'text' })
  articleKey: string;

  @Column({ type: 'text' })
  language: KbLanguage;

  @Column({ type: 'text' })
  question: string;

  /** Other ways citizens ask the same question. */
  @Column({ type: 'text', array: true, default: '{}' })
  phrasings: string[];

  /** Limited Markdown: paragraphs, "- " lists and [text](https://...) links. */
  @Column({ type: 'text' })
  answer: string;

  /** The queue (topic) the question belongs to, when there is one. */
  @Column({ type: 'text', nullable: true })
  queue: string | null;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  sources: ArticleSource[];

  @Column({ type: 'text', default: 'draft' })
  status: ArticleStatus;

  /** No foreign key on purpose: agents are never deleted, and a cascading TRUNCATE of agents must keep articles. */
  @Column({ name: 'owner_agent_id', type: 'uuid', nullable: true })
  ownerAgentId: string | null;

  @Column({ name: 'reviewed_at', type: 'timestamptz', nullable: true })
  reviewedAt: Date | null;

  /** The review reminder: the article is due for review this many days after `reviewedAt`. */
  @Column({ name: 'review_every_days', type: 'integer', default: 365 })
  reviewEveryDays: number;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ name: 'search_vector', type: 'tsvector', nullable: true, select: false, insert: false, update: false })
  searchVector?: string;

  @Column({ name: 'search_text', type: 'text', nullable: true, select: false, insert: false, update: false })
  searchText?: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

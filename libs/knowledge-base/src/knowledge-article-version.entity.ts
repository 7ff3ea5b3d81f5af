import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { KnowledgeArticle } from './knowledge-article.entity';

/** What one version of an article said: every change writes one, so that any older version can be read and restored. */
export interface ArticleSnapshot {
  articleKey: string;
  language: string;
  question: string;
  phrasings: string[];
  answer: string;
  queue: string | null;
  sources: { title: string; url: string }[];
  status: string;
  ownerAgentId: string | null;
  reviewedAt: string | null;
  reviewEveryDays: number;
}

@Entity('knowledge_article_versions')
@Index('uq_knowledge_article_versions', ['articleId', 'version'], { unique: true })
export class KnowledgeArticleVersion {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_knowledge_article_versions' })
  id: string;

  @Column({ name: 'article_id', type: 'uuid' })
  articleId: string;

  @ManyToOne(() => KnowledgeArticle, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id', foreignKeyConstraintName: 'fk_knowledge_article_versions_article' })
  article?: KnowledgeArticle;

  @Column({ type: 'integer' })
  version: number;

  @Column({ type: 'jsonb' })
  snapshot: ArticleSnapshot;

  /** create, update, status, restore, import. */
  @Column({ type: 'text' })
  change: string;

  @Column({ name: 'changed_by', type: 'uuid', nullable: true })
  changedBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

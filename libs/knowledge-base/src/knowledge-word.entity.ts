import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { KnowledgeArticle } from './knowledge-article.entity';

/** The folded words of an article's question and phrasings, written by a trigger (see the KnowledgeBase migration). */
@Entity('knowledge_article_words')
@Index('ix_knowledge_article_words_word', ['word'])
export class KnowledgeArticleWord {
  @PrimaryColumn({ name: 'article_id', type: 'uuid', primaryKeyConstraintName: 'pk_knowledge_article_words' })
  articleId: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_knowledge_article_words' })
  word: string;

  @ManyToOne(() => KnowledgeArticle, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id', foreignKeyConstraintName: 'fk_knowledge_article_words_article' })
  article?: KnowledgeArticle;
}

/** Every word of every article once, with a trigram index: where a misspelt word finds the words it may mean. */
@Entity('knowledge_lexicon')
@Index('ix_knowledge_lexicon_trgm', { synchronize: false })
export class KnowledgeLexiconWord {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_knowledge_lexicon' })
  word: string;
}

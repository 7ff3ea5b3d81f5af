import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { preparedStatement, runPrepared } from '@brigade/persistence';
import { ArticleSource, KbLanguage } from './knowledge-article.entity';
import { SearchTerms, searchTerms } from './search-terms';

export interface SearchHit {
  id: string;
  articleKey: string;
  language: KbLanguage;
  question: string;
  answer: string;
  sources: ArticleSource[];
  queue: string | null;
  /** Higher is better; about 1 for a question asked in the article's own words. */
  score: number;
}

export interface SearchOptions {
  /** The language the citizen or the gendarme reads: the article is shown in it when a translation exists. */
  language?: string;
  limit?: number;
}

/** Weight of the full-text rank against the share of the question's words found, letter by letter, in the question and phrasings. */
const FULL_TEXT_WEIGHT = 1.0;
const FUZZY_WEIGHT = 0.5;

/**
 * The score from which the assistant answers a message with an article on its own (no gendarme reads it first).
 * Chosen on the held-out questions (bench/knowledge-base): most right first answers score above it, small talk
 * ("bonjour", "merci") below; a wrong answer costs little since a gendarme is always offered and the message stays
 * in the queue.
 */
export const RECOGNITION_MIN_SCORE = 0.4;

/** Scores the published articles for the words of a question; planned once per connection. */
const RANK_ARTICLES = preparedStatement(
  'knowledge-rank-articles',
  `WITH full_text AS (
         SELECT a.id, a.article_key,
                ts_rank('{0.1,0.2,0.5,1.0}', a.search_vector, to_tsquery('french', $1) || to_tsquery('english', $1)) AS rank
           FROM knowledge_articles a
          WHERE $1 <> '' AND a.status = 'published'
            AND a.search_vector @@ (to_tsquery('french', $1) || to_tsquery('english', $1))
       ),
       similar_words AS (
         SELECT q.w, l.word, word_similarity(q.w, l.word) AS similarity
           FROM unnest($2::text[]) AS q(w)
           JOIN knowledge_lexicon l ON q.w <% l.word
       ),
       fuzzy AS (
         SELECT id, article_key, sum(best) AS similar FROM (
           SELECT a.id, a.article_key, s.w, max(s.similarity) AS best
             FROM similar_words s
             JOIN knowledge_article_words aw ON aw.word = s.word
             JOIN knowledge_articles a ON a.id = aw.article_id AND a.status = 'published'
            GROUP BY a.id, a.article_key, s.w
         ) per_word GROUP BY id, article_key
       ),
       scored AS (
         SELECT COALESCE(f.article_key, z.article_key) AS article_key,
                $4::float * COALESCE(f.rank, 0) + $5::float * COALESCE(z.similar, 0) / GREATEST(cardinality($2::text[]), 1) AS score
           FROM full_text f FULL JOIN fuzzy z ON z.id = f.id
       ),
       per_article AS (SELECT article_key, max(score) AS score FROM scored GROUP BY article_key),
       -- The score of the last place: only the articles at or above it need the tie-break below.
       last_place AS (SELECT score FROM per_article ORDER BY score DESC OFFSET $3 - 1 LIMIT 1)
       SELECT article_key, score::float AS score FROM per_article
        WHERE score >= COALESCE((SELECT score FROM last_place), 0)
        -- Equal scores (a lone word found in two questions): the shorter, more general question first.
        ORDER BY score DESC, (SELECT min(length(k.question)) FROM knowledge_articles k WHERE k.article_key = per_article.article_key), article_key
        LIMIT $3`,
);

/** The article of each key in the reader's language, or French, or any language. */
const ARTICLES_IN_LANGUAGE = preparedStatement(
  'knowledge-articles-in-language',
  `SELECT DISTINCT ON (article_key) id, article_key, language, question, answer, sources, queue
         FROM knowledge_articles
        WHERE article_key = ANY($1) AND status = 'published'
        ORDER BY article_key, (language = $2) DESC, (language = 'fr') DESC, language`,
);

/**
 * Search that forgives: PostgreSQL full text in each article's language configuration (question weighted above the
 * phrasings, above the answer), on unaccented text, plus trigram word similarity of each of the citizen's words to the
 * words of the questions and phrasings (found through the lexicon's trigram index), for typos and phonetic spellings
 * ("procurasion"). Every language is searched (a question in
 * English finds a French article); each article appears once, in the reader's language when it has a translation.
 */
@Injectable()
export class KnowledgeSearchService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The article the assistant may answer with on its own, or null when no article is clearly asked for. */
  async recognise(text: string, language: string): Promise<SearchHit | null> {
    const [best] = await this.search(text, { language, limit: 1 });
    return best && best.score >= RECOGNITION_MIN_SCORE ? best : null;
  }

  async search(text: string, options: SearchOptions = {}): Promise<SearchHit[]> {
    const terms = searchTerms(text);
    const limit = Math.min(Math.max(options.limit ?? 5, 1), 20);
    if (terms.tsquery === '' && terms.fuzzyWords.length === 0) return [];
    // With a dozen alternatives in the text query the planner prices the GIN index above a sequential scan of every
    // article, which is several times slower from a few hundred articles on: the search runs with the scan turned off.
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      await runner.query(`SET LOCAL enable_seqscan = off`);
      const hits = await this.searchWith(runner.manager, terms, limit, options.language ?? 'fr');
      await runner.commitTransaction();
      return hits;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      throw error;
    } finally {
      await runner.release();
    }
  }

  private async searchWith(manager: EntityManager, terms: SearchTerms, limit: number, language: string): Promise<SearchHit[]> {
    const { rows } = await runPrepared<{ article_key: string; score: number }>(manager, RANK_ARTICLES, [
      terms.tsquery,
      terms.fuzzyWords,
      limit,
      FULL_TEXT_WEIGHT,
      FUZZY_WEIGHT,
    ]);
    if (rows.length === 0) return [];
    const { rows: articles } = await runPrepared<Omit<SearchHit, 'score' | 'articleKey'> & { article_key: string }>(manager, ARTICLES_IN_LANGUAGE, [
      rows.map((row) => row.article_key),
      language,
    ]);
    const byKey = new Map(articles.map((article) => [article.article_key, article]));
    return rows.flatMap((row) => {
      const article = byKey.get(row.article_key);
      if (!article) return [];
      const { article_key: articleKey, ...rest } = article;
      return [{ ...rest, articleKey, score: Math.round(row.score * 1000) / 1000 }];
    });
  }
}

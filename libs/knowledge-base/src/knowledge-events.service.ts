import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { KnowledgeEventKind } from './knowledge-event.entity';
import { foldText } from './search-terms';

export interface KnowledgeEventInput {
  kind: KnowledgeEventKind;
  articleKey?: string | null;
  language: string;
  channel?: string | null;
  query?: string | null;
}

export interface KnowledgeFiguresRow {
  day: string;
  language: string;
  viewed: number;
  solved: number;
  inserted: number;
  answered: number;
  noResult: number;
}

export interface KnowledgeFigures {
  from: string;
  to: string;
  /** Per day and language. */
  days: KnowledgeFiguresRow[];
  mostInserted: { articleKey: string; count: number }[];
  mostViewed: { articleKey: string; count: number }[];
  /** Searches with no result, grouped by their folded words: what to write next. */
  noResult: { query: string; language: string; count: number; lastAt: string }[];
}

/** Counts what the knowledge base does for citizens and gendarmes, for the supervisors' figures. */
@Injectable()
export class KnowledgeEventsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async record(event: KnowledgeEventInput): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO knowledge_events (kind, article_key, language, channel, query) VALUES ($1, $2, $3, $4, $5)`,
      [event.kind, event.articleKey ?? null, event.language, event.channel ?? null, event.query ? foldText(event.query).slice(0, 200) : null],
    );
  }

  async figures(from: Date, to: Date, timeZone = 'Europe/Paris'): Promise<KnowledgeFigures> {
    const days: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT to_char(at AT TIME ZONE $3, 'YYYY-MM-DD') AS day, language,
              count(*) FILTER (WHERE kind = 'viewed')::int AS viewed,
              count(*) FILTER (WHERE kind = 'solved')::int AS solved,
              count(*) FILTER (WHERE kind = 'inserted')::int AS inserted,
              count(*) FILTER (WHERE kind = 'answered')::int AS answered,
              count(*) FILTER (WHERE kind = 'no-result')::int AS "noResult"
         FROM knowledge_events WHERE at >= $1 AND at < $2
        GROUP BY 1, 2 ORDER BY 1, 2`,
      [from, to, timeZone],
    );
    const top = (kind: KnowledgeEventKind) =>
      this.dataSource.query(
        `SELECT article_key AS "articleKey", count(*)::int AS count FROM knowledge_events
          WHERE kind = $3 AND at >= $1 AND at < $2 AND article_key IS NOT NULL
          GROUP BY article_key ORDER BY count DESC, article_key LIMIT 20`,
        [from, to, kind],
      );
    const noResult = await this.dataSource.query(
      `SELECT query, language, count(*)::int AS count, max(at) AS "lastAt" FROM knowledge_events
        WHERE kind = 'no-result' AND at >= $1 AND at < $2 AND query IS NOT NULL
        GROUP BY query, language ORDER BY count DESC, max(at) DESC LIMIT 100`,
      [from, to],
    );
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      days: days as unknown as KnowledgeFiguresRow[],
      mostInserted: await top('inserted'),
      mostViewed: await top('viewed'),
      noResult: noResult.map((row: { lastAt: Date }) => ({ ...row, lastAt: new Date(row.lastAt).toISOString() })),
    };
  }
}

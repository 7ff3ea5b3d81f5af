import { Controller, Get, HttpCode, HttpException, HttpStatus, Ip, NotFoundException, Param, Post, Query, UseFilters } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { KB_LANGUAGES, KnowledgeBaseService, KnowledgeEventsService, KnowledgeSearchService } from '@brigade/knowledge-base';
import { Public } from '../auth/auth.decorators';
import { RateLimiter } from '../webchat/rate-limiter';
import { KnowledgeErrorsFilter } from './knowledge-errors.filter';

class SuggestionQuery {
  @IsString()
  @MaxLength(500)
  q: string;

  @IsOptional()
  @IsIn(KB_LANGUAGES)
  language?: string;

  /** Set when the citizen sent the text (not while typing): a search without result is then counted. */
  @IsOptional()
  @Transform(({ value }) => value === 'true' || value === true)
  @IsBoolean()
  final?: boolean;
}

class LanguageQuery {
  @IsOptional()
  @IsIn(KB_LANGUAGES)
  language?: string;
}

const KEY = /^[a-z0-9][a-z0-9-]{1,79}$/;
/** Buckets kept at most: an address seen long ago is forgotten first. */
const MAX_CLIENTS = 10_000;

/**
 * What citizens read of the knowledge base from the widget: suggestions while they type, an article, "this answers my
 * question". Public, read-only, rate-limited per address; nothing identifies the citizen in the counts.
 */
@Controller('api/knowledge')
@Public()
@UseFilters(KnowledgeErrorsFilter)
export class KnowledgePublicController {
  private readonly limits = new Map<string, RateLimiter>();

  constructor(
    private readonly search: KnowledgeSearchService,
    private readonly articles: KnowledgeBaseService,
    private readonly events: KnowledgeEventsService,
  ) {}

  @Get('suggestions')
  async suggestions(@Ip() ip: string, @Query() query: SuggestionQuery) {
    this.take(ip);
    const language = query.language ?? 'fr';
    const hits = query.q.trim().length < 3 ? [] : await this.search.search(query.q, { language, limit: 3 });
    if (hits.length === 0 && query.final && query.q.trim().length >= 3) await this.events.record({ kind: 'no-result', language, channel: 'webchat', query: query.q });
    return hits.map((hit) => ({ articleKey: hit.articleKey, language: hit.language, question: hit.question }));
  }

  @Get('articles/:key')
  async article(@Ip() ip: string, @Param('key') key: string, @Query() query: LanguageQuery) {
    this.take(ip);
    if (!KEY.test(key)) throw new NotFoundException('Article introuvable');
    const article = await this.articles.published(key, query.language ?? 'fr');
    if (!article) throw new NotFoundException('Article introuvable');
    await this.events.record({ kind: 'viewed', articleKey: key, language: article.language, channel: 'webchat' });
    return { articleKey: article.articleKey, language: article.language, question: article.question, answer: article.answer, sources: article.sources };
  }

  @Post('articles/:key/solved')
  @HttpCode(204)
  async solved(@Ip() ip: string, @Param('key') key: string, @Query() query: LanguageQuery): Promise<void> {
    // The language comes in the address: a bodiless POST is a simple request for browsers (no preflight).
    this.take(ip);
    if (!KEY.test(key) || !(await this.articles.published(key, query.language ?? 'fr'))) throw new NotFoundException('Article introuvable');
    await this.events.record({ kind: 'solved', articleKey: key, language: query.language ?? 'fr', channel: 'webchat' });
  }

  private take(ip: string): void {
    let limiter = this.limits.get(ip);
    if (!limiter) {
      if (this.limits.size >= MAX_CLIENTS) this.limits.delete(this.limits.keys().next().value as string);
      limiter = new RateLimiter(30, 10_000);
      this.limits.set(ip, limiter);
    }
    if (!limiter.take()) throw new HttpException('Trop de recherches : réessayez dans quelques secondes.', HttpStatus.TOO_MANY_REQUESTS);
  }
}

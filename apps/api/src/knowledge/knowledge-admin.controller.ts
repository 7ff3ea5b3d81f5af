import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, ParseUUIDPipe, Patch, Post, Put, Query, Res, UseFilters } from '@nestjs/common';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { AgentPrincipal } from '@brigade/agents';
import { ARTICLE_STATUSES, ArticleStatus, KB_LANGUAGES, KbLanguage, KnowledgeBaseService } from '@brigade/knowledge-base';
import { CurrentAgent, Roles } from '../auth/auth.decorators';
import { DownloadResponse } from '../administration/csv-download';
import { KnowledgeErrorsFilter } from './knowledge-errors.filter';
import { FileAnswer } from '../openapi/answer.decorators';

class SourceBody {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title: string;

  @IsUrl({ protocols: ['https'], require_protocol: true })
  url: string;
}

class ArticleChangesBody {
  @IsOptional()
  @IsString()
  @MinLength(5)
  @MaxLength(300)
  question?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(300, { each: true })
  phrasings?: string[];

  /** Limited Markdown: paragraphs, "- " or "1. " lists, **strong**, [text](https://...) links. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(8000)
  answer?: string;

  @IsOptional()
  @IsString()
  @MaxLength(40)
  queue?: string | null;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => SourceBody)
  sources?: SourceBody[];

  @IsOptional()
  @IsIn(ARTICLE_STATUSES)
  status?: ArticleStatus;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  reviewEveryDays?: number;

  /** Marks the article as reviewed today without changing it otherwise. */
  @IsOptional()
  @IsBoolean()
  reviewed?: boolean;
}

class NewArticleBody extends ArticleChangesBody {
  @Matches(/^[a-z0-9][a-z0-9-]{1,79}$/, { message: 'articleKey: 2-80 lowercase letters, digits or "-"' })
  articleKey: string;

  @IsIn(KB_LANGUAGES)
  language: KbLanguage;

  @IsString()
  @MinLength(5)
  @MaxLength(300)
  declare question: string;

  @IsString()
  @MinLength(1)
  @MaxLength(8000)
  declare answer: string;
}

class ArticleQuery {
  @IsOptional()
  @IsIn(KB_LANGUAGES)
  language?: string;

  @IsOptional()
  @IsIn(ARTICLE_STATUSES)
  status?: string;

  @IsOptional()
  @IsString()
  @MaxLength(40)
  queue?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @IsOptional()
  @Transform(({ value }) => value === 'true' || value === true)
  @IsBoolean()
  reviewDue?: boolean;
}

class ExportQuery extends ArticleQuery {
  @IsIn(['csv', 'markdown'])
  format: 'csv' | 'markdown';
}

class ImportBody {
  @IsIn(['csv', 'markdown'])
  format: 'csv' | 'markdown';

  @IsString()
  @MinLength(1)
  @MaxLength(240_000)
  text: string;

  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
}

/**
 * The knowledge base for its writers: administrators and agents with the editor permission (checked by the service,
 * so that the permission lives with the articles). Every change is versioned and audited.
 */
@Controller('api/admin/knowledge')
@UseFilters(KnowledgeErrorsFilter)
export class KnowledgeAdminController {
  constructor(private readonly articles: KnowledgeBaseService) {}

  @Get('articles')
  async list(@CurrentAgent() actor: AgentPrincipal, @Query() query: ArticleQuery) {
    await this.articles.assertEditor(actor);
    return this.articles.list(query);
  }

  @Get('export')
  @FileAnswer(['text/csv', 'text/markdown'], 'The articles, as CSV or Markdown (the import formats)')
  async export(@CurrentAgent() actor: AgentPrincipal, @Query() query: ExportQuery, @Res({ passthrough: true }) response: DownloadResponse) {
    await this.articles.assertEditor(actor);
    const { format, ...filter } = query;
    const text = await this.articles.export(format, filter);
    response.attachment(format === 'csv' ? 'brigade-articles.csv' : 'brigade-articles.md');
    response.type(format === 'csv' ? 'text/csv; charset=utf-8' : 'text/markdown; charset=utf-8');
    return text;
  }

  @Post('import')
  @HttpCode(200)
  import(@CurrentAgent() actor: AgentPrincipal, @Body() body: ImportBody) {
    return this.articles.import(actor, body.format, body.text, body.dryRun ?? false);
  }

  @Get('articles/:id')
  async get(@CurrentAgent() actor: AgentPrincipal, @Param('id', new ParseUUIDPipe()) id: string) {
    await this.articles.assertEditor(actor);
    return this.articles.get(id);
  }

  @Post('articles')
  create(@CurrentAgent() actor: AgentPrincipal, @Body() body: NewArticleBody) {
    return this.articles.create(actor, {
      articleKey: body.articleKey,
      language: body.language,
      question: body.question,
      phrasings: body.phrasings ?? [],
      answer: body.answer,
      queue: body.queue ?? null,
      sources: body.sources ?? [],
      status: body.status ?? 'draft',
      reviewEveryDays: body.reviewEveryDays ?? 365,
    });
  }

  @Patch('articles/:id')
  update(@CurrentAgent() actor: AgentPrincipal, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: ArticleChangesBody) {
    return this.articles.update(actor, id, body);
  }

  @Get('articles/:id/versions')
  async versions(@CurrentAgent() actor: AgentPrincipal, @Param('id', new ParseUUIDPipe()) id: string) {
    await this.articles.assertEditor(actor);
    return this.articles.versions(id);
  }

  @Get('articles/:id/versions/:version')
  async version(@CurrentAgent() actor: AgentPrincipal, @Param('id', new ParseUUIDPipe()) id: string, @Param('version', ParseIntPipe) version: number) {
    await this.articles.assertEditor(actor);
    return this.articles.version(id, version);
  }

  @Post('articles/:id/versions/:version/restore')
  @HttpCode(200)
  restore(@CurrentAgent() actor: AgentPrincipal, @Param('id', new ParseUUIDPipe()) id: string, @Param('version', ParseIntPipe) version: number) {
    return this.articles.restore(actor, id, version);
  }

  @Get('editors')
  @Roles('admin')
  editors() {
    return this.articles.editors();
  }

  @Put('editors/:agentId')
  @Roles('admin')
  @HttpCode(204)
  async grant(@CurrentAgent() actor: AgentPrincipal, @Param('agentId', new ParseUUIDPipe()) agentId: string): Promise<void> {
    await this.articles.setEditor(actor, agentId, true);
  }

  @Delete('editors/:agentId')
  @Roles('admin')
  @HttpCode(204)
  async revoke(@CurrentAgent() actor: AgentPrincipal, @Param('agentId', new ParseUUIDPipe()) agentId: string): Promise<void> {
    await this.articles.setEditor(actor, agentId, false);
  }
}

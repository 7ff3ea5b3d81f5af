import { Controller, Get, Query, Res } from '@nestjs/common';
import { IsISO8601, IsOptional } from 'class-validator';
import { toCsv } from '@brigade/administration';
import { KnowledgeEventsService } from '@brigade/knowledge-base';
import { Roles } from '../auth/auth.decorators';
import { DownloadResponse, asCsvDownload } from '../administration/csv-download';
import { FileAnswer } from '../openapi/answer.decorators';

class FiguresQuery {
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

const DAY = 86_400_000;

function period(query: FiguresQuery): [Date, Date] {
  const to = query.to ? new Date(query.to) : new Date();
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - 30 * DAY);
  return [from, to];
}

/** The knowledge base's figures for supervisors: per day and language, most inserted, searches without result. */
@Controller('api/supervisor/knowledge')
@Roles('supervisor', 'admin')
export class KnowledgeFiguresController {
  constructor(private readonly events: KnowledgeEventsService) {}

  @Get('figures')
  figures(@Query() query: FiguresQuery) {
    return this.events.figures(...period(query));
  }

  @Get('figures.csv')
  @FileAnswer('text/csv', 'The knowledge-base figures of the period')
  async figuresCsv(@Query() query: FiguresQuery, @Res({ passthrough: true }) response: DownloadResponse) {
    const figures = await this.events.figures(...period(query));
    const rows: unknown[][] = [
      ...figures.days.map((row) => ['jour', row.day, row.language, row.viewed, row.solved, row.inserted, row.answered, row.noResult, '']),
      ...figures.mostInserted.map((row) => ['article inséré', '', '', '', '', row.count, '', '', row.articleKey]),
      ...figures.noResult.map((row) => ['recherche sans résultat', row.lastAt.slice(0, 10), row.language, '', '', '', '', row.count, row.query]),
    ];
    return asCsvDownload(
      response,
      'brigade-base-de-connaissances.csv',
      toCsv(['type', 'jour', 'langue', 'articles consultés', 'questions résolues sans gendarme', 'articles insérés', 'réponses de l’assistant', 'recherches sans résultat', 'article ou recherche'], rows),
    );
  }
}

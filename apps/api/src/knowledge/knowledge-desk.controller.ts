import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, UseFilters } from '@nestjs/common';
import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { AgentPrincipal } from '@brigade/agents';
import { KB_LANGUAGES, KnowledgeDeskService } from '@brigade/knowledge-base';
import { CurrentAgent } from '../auth/auth.decorators';
import { KnowledgeErrorsFilter } from './knowledge-errors.filter';

class DeskSearchQuery {
  @IsString()
  @MinLength(2)
  @MaxLength(300)
  q: string;

  @IsOptional()
  @IsIn(KB_LANGUAGES)
  language?: string;
}

class InsertedBody {
  @Matches(/^[a-z0-9][a-z0-9-]{1,79}$/)
  articleKey: string;

  @IsIn(KB_LANGUAGES)
  language: string;

  @IsOptional()
  @IsIn(['webchat', 'facebook', 'x', 'botframework'])
  channel?: string;
}

/** The knowledge base beside a conversation in the desk: matching articles, search, and the count of insertions. */
@Controller('api/desk/knowledge')
@UseFilters(KnowledgeErrorsFilter)
export class KnowledgeDeskController {
  constructor(private readonly desk: KnowledgeDeskService) {}

  @Get('search')
  search(@Query() query: DeskSearchQuery) {
    return this.desk.searchFor(query.q, query.language ?? 'fr');
  }

  @Get('conversations/:id')
  forConversation(@CurrentAgent() agent: AgentPrincipal, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.desk.forConversation(agent, id);
  }

  @Post('inserted')
  @HttpCode(204)
  async inserted(@Body() body: InsertedBody): Promise<void> {
    await this.desk.inserted(body.articleKey, body.language, body.channel ?? null);
  }
}

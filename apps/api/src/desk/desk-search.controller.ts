import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { AgentPrincipal } from '@brigade/agents';
import { MessageSearchService, SEARCH_MAX_LIMIT } from '@brigade/conversations';
import type { DeskSearchHitView, DeskSearchResultView } from '@brigade/realtime';
import { CurrentAgent } from '../auth/auth.decorators';

class SearchQuery {
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  q: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @IsOptional()
  @Matches(/^[a-z]{2,20}$/)
  channel?: string;

  @IsOptional()
  @Matches(/^[a-z0-9_-]{1,40}$/)
  queue?: string;

  @IsOptional()
  @IsUUID()
  agentId?: string;

  @IsOptional()
  @Matches(/^[\p{L}\p{N}_-]{1,40}$/u)
  tag?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(SEARCH_MAX_LIMIT)
  limit?: number;
}

class SearchHitDto implements DeskSearchHitView {
  @ApiProperty({ format: 'uuid' }) conversationId: string;
  @ApiProperty({ format: 'uuid' }) messageId: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty() channel: string;
  @ApiProperty() queue: string;
  @ApiProperty({ enum: ['waiting', 'assigned', 'closed', 'abandoned'] }) status: DeskSearchHitView['status'];
  @ApiProperty({ enum: ['citizen', 'agent', 'system'] }) author: DeskSearchHitView['author'];
  @ApiProperty({ enum: ['inbound', 'outbound', 'internal'] }) direction: DeskSearchHitView['direction'];
  @ApiProperty({ description: 'The name, or only the pseudonym for a sensitive conversation' }) contactName: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) assigneeId: string | null;
  @ApiProperty({ description: 'Plain text, never markup' }) snippet: string;
  @ApiProperty({
    description: '[start, end) offsets of the matching words in snippet',
    type: 'array',
    items: { type: 'array', items: { type: 'integer' }, minItems: 2, maxItems: 2 },
  })
  highlights: [number, number][];
}

class SearchResultDto implements DeskSearchResultView {
  @ApiProperty({ type: [SearchHitDto] }) hits: SearchHitDto[];
  @ApiProperty() more: boolean;
}

/** Full-text search of the desk; visibility per role and the access audit are the service's business. */
@Controller('api/desk')
export class DeskSearchController {
  constructor(private readonly messageSearch: MessageSearchService) {}

  @Get('search')
  @ApiOkResponse({ type: SearchResultDto })
  search(@CurrentAgent() principal: AgentPrincipal, @Query() query: SearchQuery): Promise<DeskSearchResultView> {
    return this.messageSearch.search(principal, {
      text: query.q,
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
      channel: query.channel,
      queue: query.queue,
      agentId: query.agentId,
      tag: query.tag?.toLowerCase(),
      limit: query.limit,
    });
  }
}

export const DESK_LIST_SCOPES = ['mine', 'queues', 'all'] as const;

export class DeskListQuery {
  @IsOptional()
  @IsIn(DESK_LIST_SCOPES)
  scope?: (typeof DESK_LIST_SCOPES)[number];
}

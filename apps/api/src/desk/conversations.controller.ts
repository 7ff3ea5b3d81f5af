import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { AgentPrincipal } from '@brigade/agents';
import { MarkConversationReadUseCase, ReplyToCitizenUseCase } from '@brigade/channels';
import { ConversationsService, DeskToolsService } from '@brigade/conversations';
import { CurrentAgent } from '../auth/auth.decorators';
import { DeskListQuery } from './desk-search.controller';

class ReplyRequest {
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{8,64}$/, { message: 'clientMessageId must be 8 to 64 letters, digits, "_" or "-"' })
  clientMessageId: string;

  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  text: string;
}

class CloseRequest {
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  outcome: string;
}

class TagsRequest {
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(40, { each: true })
  tags: string[];
}

class EscalateRequest {
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason: string;
}

class CannedRepliesQuery {
  @IsOptional()
  @Matches(/^[a-z]{2}$/, { message: 'language must be a two-letter code' })
  language?: string;
}

/** The agent desk's REST routes; any signed-in agent, each service checks who may act on which conversation. */
@Controller('api')
export class ConversationsController {
  constructor(
    private readonly conversations: ConversationsService,
    private readonly deskTools: DeskToolsService,
    private readonly markConversationRead: MarkConversationReadUseCase,
    private readonly replyToCitizen: ReplyToCitizenUseCase,
  ) {}

  /** The list's tabs: `scope=mine` (default), `queues` (waiting in my queues), `all` (supervisors and admins). */
  @Get('desk/conversations')
  list(@CurrentAgent() principal: AgentPrincipal, @Query() query: DeskListQuery) {
    return this.conversations.deskList(principal, query.scope ?? 'mine');
  }

  @Get('conversations/:id')
  read(@CurrentAgent() principal: AgentPrincipal, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.conversations.readForDesk(principal, id);
  }

  @Post('conversations/:id/messages')
  reply(
    @CurrentAgent() principal: AgentPrincipal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ReplyRequest,
  ) {
    return this.replyToCitizen.execute(principal, id, body.clientMessageId, body.text);
  }

  /** The assignee has the conversation on screen: the citizen's messages become read (web chat "Lu", Messenger "seen"). */
  @Post('conversations/:id/read')
  @HttpCode(200)
  markRead(@CurrentAgent() principal: AgentPrincipal, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.markConversationRead.execute(principal, id);
  }

  @Post('conversations/:id/close')
  close(
    @CurrentAgent() principal: AgentPrincipal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: CloseRequest,
  ) {
    return this.conversations.close(principal, id, body.outcome);
  }

  @Get('conversations/:id/contact-history')
  contactHistory(@CurrentAgent() principal: AgentPrincipal, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.deskTools.contactHistory(principal, id);
  }

  @Post('conversations/:id/notes')
  addNote(
    @CurrentAgent() principal: AgentPrincipal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ReplyRequest,
  ) {
    return this.deskTools.addNote(principal, id, body.clientMessageId, body.text);
  }

  @Put('conversations/:id/tags')
  setTags(
    @CurrentAgent() principal: AgentPrincipal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: TagsRequest,
  ) {
    return this.deskTools.setTags(principal, id, body.tags);
  }

  @Post('conversations/:id/escalate')
  @HttpCode(200)
  escalate(
    @CurrentAgent() principal: AgentPrincipal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: EscalateRequest,
  ) {
    return this.deskTools.escalate(principal, id, body.reason);
  }

  @Get('canned-replies')
  cannedReplies(@CurrentAgent() principal: AgentPrincipal, @Query() query: CannedRepliesQuery) {
    return this.deskTools.cannedReplies(query.language, principal.agentId);
  }
}

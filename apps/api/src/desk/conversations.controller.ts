import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { AgentPrincipal } from '@brigade/agents';
import { ConversationsService } from '@brigade/conversations';
import { CurrentAgent } from '../auth/auth.decorators';

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

@Controller('api')
export class ConversationsController {
  constructor(private readonly conversations: ConversationsService) {}

  @Get('desk/conversations')
  mine(@CurrentAgent() principal: AgentPrincipal) {
    return this.conversations.openConversationsOf(principal.agentId);
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
    return this.conversations.reply(principal, id, body.clientMessageId, body.text);
  }

  @Post('conversations/:id/close')
  close(
    @CurrentAgent() principal: AgentPrincipal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: CloseRequest,
  ) {
    return this.conversations.close(principal, id, body.outcome);
  }
}

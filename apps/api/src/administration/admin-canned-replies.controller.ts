import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { AgentPrincipal } from '@brigade/agents';
import { CannedRepliesAdminService } from '@brigade/administration';
import { CurrentAgent, Roles } from '../auth/auth.decorators';

const LANGUAGES = ['fr', 'en'];
const SHORTCUT = /^[a-z0-9-]{2,30}$/;

class CannedReplyChangesBody {
  @IsOptional()
  @Matches(SHORTCUT, { message: 'shortcut must be 2-30 lowercase letters, digits or "-" (typed after "/")' })
  shortcut?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  title?: string;

  /** May hold {agentName}, {contactName} and {reference}. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  text?: string;

  @IsOptional()
  @IsIn(LANGUAGES)
  language?: string;

  /** null: shared; an agent id: that agent's personal reply. */
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsUUID()
  ownerAgentId?: string | null;
}

class NewCannedReplyBody extends CannedReplyChangesBody {
  @Matches(SHORTCUT, { message: 'shortcut must be 2-30 lowercase letters, digits or "-" (typed after "/")' })
  declare shortcut: string;

  @IsString()
  @MinLength(1)
  @MaxLength(100)
  declare title: string;

  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  declare text: string;

  @IsIn(LANGUAGES)
  declare language: string;
}

class CannedReplyQuery {
  @IsOptional()
  @IsIn(LANGUAGES)
  language?: string;

  /** 'shared' or an agent id. */
  @IsOptional()
  @ValidateIf((_, value) => value !== 'shared')
  @IsUUID(undefined, { message: 'owner must be "shared" or an agent id' })
  owner?: string;
}

/** Canned replies, shared and personal, in French and English, with variables. */
@Controller('api/admin/canned-replies')
@Roles('admin')
export class AdminCannedRepliesController {
  constructor(private readonly replies: CannedRepliesAdminService) {}

  @Get()
  list(@Query() query: CannedReplyQuery) {
    return this.replies.list(query);
  }

  @Post()
  create(@CurrentAgent() actor: AgentPrincipal, @Body() body: NewCannedReplyBody) {
    return this.replies.create(actor, body);
  }

  @Patch(':id')
  update(@CurrentAgent() actor: AgentPrincipal, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: CannedReplyChangesBody) {
    return this.replies.update(actor, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@CurrentAgent() actor: AgentPrincipal, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.replies.remove(actor, id);
  }
}

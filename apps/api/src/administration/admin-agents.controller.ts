import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { AGENT_ROLES, AgentPrincipal, AgentRole } from '@brigade/agents';
import { AgentsAdminService, LANGUAGE_PATTERN, LOGIN_PATTERN, MAX_CAPACITY, SKILL_PATTERN } from '@brigade/administration';
import { CurrentAgent, Roles } from '../auth/auth.decorators';
import { DownloadResponse, asCsvDownload } from './csv-download';
import { FileAnswer } from '../openapi/answer.decorators';

export class AgentChangesBody {
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  displayName?: string;

  @IsOptional()
  @IsIn(AGENT_ROLES)
  role?: AgentRole;

  @IsOptional()
  @ArrayMaxSize(30)
  @Matches(SKILL_PATTERN, { each: true, message: 'each value in skills must be a skill name (lowercase letters, digits, "-")' })
  skills?: string[];

  @IsOptional()
  @ArrayMaxSize(10)
  @Matches(LANGUAGE_PATTERN, { each: true, message: 'each value in languages must be a two-letter language code' })
  languages?: string[];

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_CAPACITY)
  capacity?: number;

  /** On the reserve list surge mode calls reinforcements from. */
  @IsOptional()
  @IsBoolean()
  reserve?: boolean;

  /** Where a surge call is mailed; null removes it. */
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsEmail()
  @MaxLength(200)
  email?: string | null;
}

export class NewAgentBody extends AgentChangesBody {
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @Matches(LOGIN_PATTERN, { message: 'login must be 3-50 lowercase letters, digits, ".", "_" or "-"' })
  login: string;

  @IsString()
  @MinLength(1)
  @MaxLength(100)
  declare displayName: string;

  /** Optional: without it the answer carries a one-time code for the agent to choose their own. */
  @IsOptional()
  @IsString()
  @MinLength(12)
  @MaxLength(200)
  password?: string;
}

class AgentListQuery {
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @IsOptional()
  @IsIn(AGENT_ROLES)
  role?: AgentRole;

  @IsOptional()
  @IsIn(['true', 'false'])
  active?: 'true' | 'false';
}

export class CsvImportBody {
  /** The file's content (UTF-8 text). */
  @IsString()
  @MinLength(1)
  @MaxLength(250_000)
  csv: string;

  /** true: check every line and report, write nothing. */
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
}

/** Agents: create, edit, deactivate, reset a password, list and search, CSV import and export. */
@Controller('api/admin')
@Roles('admin')
export class AdminAgentsController {
  constructor(private readonly agents: AgentsAdminService) {}

  @Get('agents')
  list(@Query() query: AgentListQuery) {
    return this.agents.list({ q: query.q, role: query.role, active: query.active === undefined ? undefined : query.active === 'true' });
  }

  @Get('agents.csv')
  @FileAnswer('text/csv', 'The agents, one per line (the import format)')
  async exportCsv(@Res({ passthrough: true }) response: DownloadResponse): Promise<string> {
    return asCsvDownload(response, 'brigade-agents.csv', await this.agents.exportCsv());
  }

  @Post('agents/import')
  @HttpCode(200)
  importCsv(@CurrentAgent() actor: AgentPrincipal, @Body() body: CsvImportBody) {
    return this.agents.importCsv(actor, body.csv, body.dryRun ?? false);
  }

  @Get('agents/:id')
  get(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.agents.get(id);
  }

  @Post('agents')
  create(@CurrentAgent() actor: AgentPrincipal, @Body() body: NewAgentBody) {
    return this.agents.create(actor, body);
  }

  @Patch('agents/:id')
  update(@CurrentAgent() actor: AgentPrincipal, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: AgentChangesBody) {
    return this.agents.update(actor, id, body);
  }

  @Post('agents/:id/deactivate')
  @HttpCode(200)
  deactivate(@CurrentAgent() actor: AgentPrincipal, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.agents.deactivate(actor, id);
  }

  @Post('agents/:id/reactivate')
  @HttpCode(200)
  reactivate(@CurrentAgent() actor: AgentPrincipal, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.agents.reactivate(actor, id);
  }

  @Post('agents/:id/password-reset')
  issueResetCode(@CurrentAgent() actor: AgentPrincipal, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.agents.issueResetCode(actor, id);
  }
}

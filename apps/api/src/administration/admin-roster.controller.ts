import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query, Res } from '@nestjs/common';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsOptional,
  IsUUID,
  Matches,
  ValidateNested,
} from 'class-validator';
import { AgentPrincipal } from '@brigade/agents';
import { RosterAdminService } from '@brigade/administration';
import { CurrentAgent, Roles } from '../auth/auth.decorators';
import { CsvImportBody } from './admin-agents.controller';
import { DownloadResponse, asCsvDownload } from './csv-download';
import { FileAnswer } from '../openapi/answer.decorators';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

class WeekQuery {
  /** Any day of the week wanted (local date); this week when absent. */
  @IsOptional()
  @Matches(DATE, { message: 'week must be a date YYYY-MM-DD' })
  week?: string;
}

class RangeQuery {
  @Matches(DATE, { message: 'from must be a date YYYY-MM-DD' })
  from: string;

  @Matches(DATE, { message: 'to must be a date YYYY-MM-DD' })
  to: string;
}

class ShiftBody {
  @IsUUID()
  agentId: string;

  /** Local date the shift starts, in the roster's zone (ROSTER_TIME_ZONE). */
  @Matches(DATE, { message: 'date must be a date YYYY-MM-DD' })
  date: string;

  @Matches(TIME, { message: 'start must be a time HH:mm' })
  start: string;

  /** At or before the start: the next day (a night shift). */
  @Matches(TIME, { message: 'end must be a time HH:mm' })
  end: string;
}

class ShiftChangesBody {
  @IsOptional()
  @IsUUID()
  agentId?: string;

  @IsOptional()
  @Matches(DATE, { message: 'date must be a date YYYY-MM-DD' })
  date?: string;

  @IsOptional()
  @Matches(TIME, { message: 'start must be a time HH:mm' })
  start?: string;

  @IsOptional()
  @Matches(TIME, { message: 'end must be a time HH:mm' })
  end?: string;
}

class SlotBody {
  @Matches(TIME, { message: 'start must be a time HH:mm' })
  start: string;

  @Matches(TIME, { message: 'end must be a time HH:mm' })
  end: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  agentIds: string[];
}

class PatternBody {
  @Matches(DATE, { message: 'from must be a date YYYY-MM-DD' })
  from: string;

  @Matches(DATE, { message: 'to must be a date YYYY-MM-DD' })
  to: string;

  @IsOptional()
  @IsArray()
  @IsIn([1, 2, 3, 4, 5, 6, 7], { each: true, message: 'each value in weekdays must be 1 (Monday) to 7 (Sunday)' })
  weekdays?: number[];

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(24)
  @ValidateNested({ each: true })
  @Type(() => SlotBody)
  slots: SlotBody[];
}

class CopyWeekBody {
  @Matches(DATE, { message: 'fromWeek must be a date YYYY-MM-DD' })
  fromWeek: string;

  @Matches(DATE, { message: 'toWeek must be a date YYYY-MM-DD' })
  toWeek: string;
}

/** The roster, for supervisors and administrators: shifts by week, patterns, week copies, CSV. */
@Controller('api/admin/roster')
@Roles('supervisor', 'admin')
export class AdminRosterController {
  constructor(private readonly roster: RosterAdminService) {}

  @Get()
  week(@Query() query: WeekQuery) {
    return this.roster.week(query.week);
  }

  @Post('shifts')
  create(@CurrentAgent() actor: AgentPrincipal, @Body() body: ShiftBody) {
    return this.roster.create(actor, body.agentId, body);
  }

  @Put('shifts/:id')
  update(@CurrentAgent() actor: AgentPrincipal, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: ShiftChangesBody) {
    return this.roster.update(actor, id, body);
  }

  @Delete('shifts/:id')
  @HttpCode(204)
  async remove(@CurrentAgent() actor: AgentPrincipal, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.roster.remove(actor, id);
  }

  @Post('patterns')
  pattern(@CurrentAgent() actor: AgentPrincipal, @Body() body: PatternBody) {
    return this.roster.applyPattern(actor, body);
  }

  @Post('copy-week')
  copyWeek(@CurrentAgent() actor: AgentPrincipal, @Body() body: CopyWeekBody) {
    return this.roster.copyWeek(actor, body.fromWeek, body.toWeek);
  }

  @Get('shifts.csv')
  @FileAnswer('text/csv', 'The shifts of the period (the import format)')
  async exportCsv(@Query() query: RangeQuery, @Res({ passthrough: true }) response: DownloadResponse): Promise<string> {
    return asCsvDownload(response, `brigade-services-${query.from}.csv`, await this.roster.exportCsv(query.from, query.to));
  }

  @Post('shifts/import')
  @HttpCode(200)
  importCsv(@CurrentAgent() actor: AgentPrincipal, @Body() body: CsvImportBody) {
    return this.roster.importCsv(actor, body.csv, body.dryRun ?? false);
  }
}

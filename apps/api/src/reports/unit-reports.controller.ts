import { Body, Controller, Get, Header, Param, ParseUUIDPipe, Post, Query, Res, StreamableFile, UseFilters } from '@nestjs/common';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDateString,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import type { ServerResponse } from 'node:http';
import { AgentPrincipal } from '@brigade/agents';
import { REPORT_URGENCIES, ReportDeliveryService, ReportUrgency, ReportsService } from '@brigade/unit-reports';
import { CurrentAgent } from '../auth/auth.decorators';
import { ReportErrorFilter } from './report-error.filter';
import { FileAnswer } from '../openapi/answer.decorators';

class PersonBody {
  @IsString()
  @MinLength(1)
  @MaxLength(60)
  role: string;

  @IsString()
  @MaxLength(200)
  name: string;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  details?: string;
}

class ContactMeansBody {
  @IsOptional()
  @IsString()
  @MaxLength(40)
  phone?: string;

  @IsOptional()
  @IsString()
  @MaxLength(320)
  email?: string;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  preference?: string;
}

class ReportBody {
  @Matches(/^[A-Za-z0-9_-]{8,64}$/, { message: 'clientReportId must be 8 to 64 letters, digits, "_" or "-"' })
  clientReportId: string;

  @IsString()
  @MaxLength(40)
  nature: string;

  @IsOptional()
  @IsDateString()
  factsAt?: string;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  factsPlace?: string;

  @Matches(/^[0-9][0-9AB][0-9]{3}$/, { message: 'communeCode must be an INSEE code' })
  communeCode: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => PersonBody)
  persons?: PersonBody[];

  @IsString()
  @MinLength(1)
  @MaxLength(10_000)
  summary: string;

  @IsIn(REPORT_URGENCIES)
  urgency: ReportUrgency;

  @IsBoolean()
  consentToContact: boolean;

  @IsOptional()
  @ValidateNested()
  @Type(() => ContactMeansBody)
  contactMeans?: ContactMeansBody;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsUUID('all', { each: true })
  messageIds?: string[];

  @IsOptional()
  @IsUUID()
  unitId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  overrideReason?: string;
}

class CommuneQuery {
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  q: string;
}

/** Reports to territorial units, from the desk: form data, commune lookup, submission, statuses, PDF. */
@Controller('api')
@UseFilters(ReportErrorFilter)
export class UnitReportsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly deliveries: ReportDeliveryService,
  ) {}

  @Get('communes')
  communes(@Query() query: CommuneQuery) {
    return this.reports.searchCommunes(query.q);
  }

  /** The unit a report for this commune would go to (null when none covers it and no fallback is set). */
  @Get('communes/:code/unit')
  async unitFor(@Param('code') code: string) {
    const choice = await this.reports.unitFor(code);
    const unit = choice.unit ? { id: choice.unit.id, code: choice.unit.code, name: choice.unit.name, phone: choice.unit.phone } : null;
    return { commune: choice.commune, unit, matchedBy: choice.matchedBy };
  }

  @Get('conversations/:id/report-draft')
  draft(@CurrentAgent() principal: AgentPrincipal, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.reports.draft(principal, id);
  }

  @Get('conversations/:id/reports')
  list(@CurrentAgent() principal: AgentPrincipal, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.reports.list(principal, id);
  }

  @Post('conversations/:id/reports')
  submit(@CurrentAgent() principal: AgentPrincipal, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: ReportBody) {
    return this.reports.submit(principal, id, {
      clientReportId: body.clientReportId,
      nature: body.nature,
      factsAt: body.factsAt ? new Date(body.factsAt) : null,
      factsPlace: body.factsPlace ?? '',
      communeCode: body.communeCode,
      persons: (body.persons ?? []).map((person) => ({ role: person.role, name: person.name, details: person.details ?? '' })),
      summary: body.summary,
      urgency: body.urgency,
      consentToContact: body.consentToContact,
      contactMeans: {
        phone: body.contactMeans?.phone?.trim() || null,
        email: body.contactMeans?.email?.trim() || null,
        preference: body.contactMeans?.preference?.trim() ?? '',
      },
      messageIds: body.messageIds ?? [],
      unitId: body.unitId,
      overrideReason: body.overrideReason,
    });
  }

  @Get('reports/:id/pdf')
  @FileAnswer('application/pdf', 'The report for the territorial unit')
  @Header('content-type', 'application/pdf')
  @Header('cache-control', 'no-store')
  async pdf(
    @CurrentAgent() principal: AgentPrincipal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Res({ passthrough: true }) response: ServerResponse,
  ) {
    const { filename, pdf } = await this.deliveries.pdfFor(principal, id);
    response.setHeader('content-disposition', `attachment; filename="${filename}"`);
    return new StreamableFile(pdf);
  }
}

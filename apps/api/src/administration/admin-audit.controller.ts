import { Controller, Get, Query, Res } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsDate, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { AuditLogService } from '@brigade/administration';
import { Roles } from '../auth/auth.decorators';
import { DownloadResponse, asCsvDownload } from './csv-download';
import { FileAnswer } from '../openapi/answer.decorators';

class AuditQuery {
  @IsOptional()
  @IsString()
  @MaxLength(100)
  actor?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  action?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  subject?: string;

  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'from must be a date or an ISO instant' })
  from?: Date;

  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'to must be a date or an ISO instant' })
  to?: Date;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  page?: number;
}

/** The audit log: who did what and who read what, filterable, exportable. */
@Controller('api/admin')
@Roles('admin')
export class AdminAuditController {
  constructor(private readonly audit: AuditLogService) {}

  @Get('audit')
  page(@Query() query: AuditQuery) {
    const { page, ...filter } = query;
    return this.audit.page(filter, page ?? 1);
  }

  @Get('audit.csv')
  @FileAnswer('text/csv', 'The audit events matching the filter')
  async csv(@Query() query: AuditQuery, @Res({ passthrough: true }) response: DownloadResponse): Promise<string> {
    const { page: _page, ...filter } = query;
    return asCsvDownload(response, 'brigade-journal.csv', await this.audit.csv(filter));
  }
}

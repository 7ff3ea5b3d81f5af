import { Controller, Get, Header, Query } from '@nestjs/common';
import { IsISO8601 } from 'class-validator';
import { ReportingService, reportToCsv } from '@brigade/reporting';
import { Roles } from '../auth/auth.decorators';
import { FileAnswer } from '../openapi/answer.decorators';

/** A date alone (YYYY-MM-DD) is that day's midnight in the roster's zone; `to` is excluded. */
class ReportQuery {
  @IsISO8601({ strict: true })
  from: string;

  @IsISO8601({ strict: true })
  to: string;
}

/** Reports over a chosen period, as JSON for the console and as CSV for spreadsheets. */
@Controller('api')
@Roles('supervisor', 'admin')
export class ReportsController {
  constructor(private readonly reporting: ReportingService) {}

  @Get('reports')
  report(@Query() query: ReportQuery) {
    return this.reporting.report(this.reporting.instantOf(query.from), this.reporting.instantOf(query.to));
  }

  @Get('reports.csv')
  @FileAnswer('text/csv', 'The report of the period')
  @Header('content-type', 'text/csv; charset=utf-8')
  @Header('content-disposition', 'attachment; filename="brigade-rapport.csv"')
  async csv(@Query() query: ReportQuery): Promise<string> {
    return reportToCsv(await this.reporting.report(this.reporting.instantOf(query.from), this.reporting.instantOf(query.to)));
  }
}

import { Controller, Get, Query } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ReportingService } from '@brigade/reporting';
import { Roles } from '../auth/auth.decorators';

class QueueLoadQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(86_400)
  waitThresholdSeconds?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(86_400)
  replyThresholdSeconds?: number;
}

/** The supervisor console's live numbers; the console polls them every few seconds. */
@Controller('api/supervisor')
@Roles('supervisor', 'admin')
export class SupervisorController {
  constructor(private readonly reporting: ReportingService) {}

  @Get('queue')
  queue(@Query() query: QueueLoadQuery) {
    return this.reporting.queueLoad(query.waitThresholdSeconds, query.replyThresholdSeconds);
  }

  @Get('agents')
  agents() {
    return this.reporting.agents();
  }

  @Get('roster')
  roster() {
    return this.reporting.roster();
  }
}

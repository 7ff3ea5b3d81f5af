import { Controller, Get, Query } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, Max, Min } from 'class-validator';
import {
  HISTORY_BUCKET_MINUTES,
  ReportingService,
  SupervisorHistoryService,
  TIMELINE_MAX_HOURS,
} from '@brigade/reporting';
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

/** The end of the window looked at (default: now), to look back at an earlier day. */
class HistoryQuery {
  @IsOptional()
  @IsISO8601({ strict: true })
  until?: string;

  @IsOptional()
  @Type(() => Number)
  @IsIn([...HISTORY_BUCKET_MINUTES])
  bucketMinutes?: number;
}

class TimelineQuery {
  @IsOptional()
  @IsISO8601({ strict: true })
  until?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(TIMELINE_MAX_HOURS)
  hours?: number;
}

/** The supervisor console's live numbers; the console polls them every few seconds. */
@Controller('api/supervisor')
@Roles('supervisor', 'admin')
export class SupervisorController {
  constructor(
    private readonly reporting: ReportingService,
    private readonly history: SupervisorHistoryService,
  ) {}

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

  /** Per-queue charts of the last 24 hours (arrivals, waits, service level), in slots of the interface's zone. */
  @Get('history')
  queueHistory(@Query() query: HistoryQuery) {
    return this.history.queueHistory(query.until ? new Date(query.until) : undefined, query.bucketMinutes);
  }

  /** Every agent's states (offline, away, available, busy) and duty over the last hours. */
  @Get('agent-timeline')
  agentTimeline(@Query() query: TimelineQuery) {
    return this.history.agentTimeline(query.until ? new Date(query.until) : undefined, query.hours);
  }
}

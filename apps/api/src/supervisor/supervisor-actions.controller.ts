import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { AgentPrincipal, AgentsService } from '@brigade/agents';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { RealtimePublisher } from '@brigade/realtime';
import { AssignmentNotifier, DutyRequest, QueueStatusService, ReroutingService } from '@brigade/routing';
import { CurrentAgent, Roles } from '../auth/auth.decorators';

class DutyBody {
  /** 'on': reinforcement on duty now; 'off': taken off duty (conversations handed over); 'roster': follow the shifts. */
  @IsIn(['on', 'off', 'roster'])
  duty: DutyRequest;
}

class ShiftBody {
  @IsUUID()
  agentId: string;

  /** Local date the shift starts, in the roster's zone (ROSTER_TIME_ZONE). */
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'date must be YYYY-MM-DD' })
  date: string;

  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'start must be HH:mm' })
  start: string;

  /** At or before the start: the next day (a night shift). */
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'end must be HH:mm' })
  end: string;
}

export class MoveBody {
  @IsOptional()
  @IsUUID()
  agentId?: string;

  @IsOptional()
  @IsString()
  @Matches(/^[a-z][a-z0-9-]{1,39}$/, { message: 'queue must be a queue name' })
  queue?: string;

  @IsOptional()
  @IsString()
  @MinLength(0)
  @MaxLength(2000)
  note?: string;
}

/** The supervisor's levers on routing: duty, roster, reassignment, and the live routing figures. */
@Controller('api/supervisor')
@Roles('supervisor', 'admin')
export class SupervisorActionsController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly rerouting: ReroutingService,
    private readonly notifier: AssignmentNotifier,
    private readonly agents: AgentsService,
    private readonly queueStatus: QueueStatusService,
    private readonly realtime: RealtimePublisher,
  ) {}

  @Get('routing')
  overview() {
    return this.queueStatus.overview();
  }

  @Post('agents/:id/duty')
  @HttpCode(200)
  async setDuty(
    @CurrentAgent() principal: AgentPrincipal,
    @Param('id', new ParseUUIDPipe()) agentId: string,
    @Body() body: DutyBody,
  ) {
    const change = await this.rerouting.setDuty(principal, agentId, body.duty);
    await this.notifier.notifyChange(change);
    await this.realtime.queueChanged('duty');
    return { status: await this.agents.status(agentId), handedOver: change.released.length };
  }

  @Post('shifts')
  async addShift(@Body() body: ShiftBody) {
    const shift = await this.agents.addShift(body.agentId, body, this.config.routing.rosterTimeZone);
    return { id: shift.id, agentId: shift.agentId, startsAt: shift.startsAt, endsAt: shift.endsAt };
  }

  @Post('conversations/:id/reassign')
  @HttpCode(200)
  async reassign(
    @CurrentAgent() principal: AgentPrincipal,
    @Param('id', new ParseUUIDPipe()) conversationId: string,
    @Body() body: MoveBody,
  ) {
    const change = await this.rerouting.transfer(principal, conversationId, body, body.note ?? '', 'reassign');
    await this.notifier.notifyChange(change);
    return { assignedTo: change.assignments[0]?.agentId ?? null };
  }
}

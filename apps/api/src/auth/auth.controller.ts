import { Body, Controller, Get, Headers, HttpCode, Inject, Ip, Post, Put } from '@nestjs/common';
import { IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { AgentPrincipal, AgentsService, AgentStatus, MfaService, PRESENCES, Presence } from '@brigade/agents';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { JobProducer, QueueName } from '@brigade/queue';
import { RealtimePublisher } from '@brigade/realtime';
import { CurrentAgent, Public } from './auth.decorators';

class LoginRequest {
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  login: string;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  password: string;
}

/**
 * The signed-in agent, with the deployment's time zone (ROSTER_TIME_ZONE): the desk writes rosters, "today" and report
 * periods in it, never in the browser's own zone.
 */
export interface MeResponse extends AgentStatus {
  timeZone: string;
}

class PresenceRequest {
  @IsIn(PRESENCES)
  presence: Presence;
}

@Controller('api')
export class AuthController {
  constructor(
    private readonly mfa: MfaService,
    private readonly agents: AgentsService,
    private readonly jobs: JobProducer,
    private readonly realtime: RealtimePublisher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private withTimeZone(status: AgentStatus): MeResponse {
    return { ...status, timeZone: this.config.routing.rosterTimeZone };
  }

  /** The desk tokens, or (second factor due) { mfaRequired: 'verify' | 'enrol', mfaToken } for MfaController. */
  @Public()
  @Post('auth/login')
  @HttpCode(200)
  login(@Body() body: LoginRequest, @Ip() ip: string, @Headers('user-agent') userAgent?: string) {
    return this.mfa.passwordSignIn(body.login, body.password, { ip, userAgent });
  }

  @Get('me')
  async me(@CurrentAgent() principal: AgentPrincipal): Promise<MeResponse> {
    return this.withTimeZone(await this.agents.status(principal.agentId));
  }

  @Put('me/presence')
  async setPresence(@CurrentAgent() principal: AgentPrincipal, @Body() body: PresenceRequest): Promise<MeResponse> {
    const status = await this.agents.setPresence(principal.agentId, body.presence);
    if (status.presence === 'available') await this.jobs.add(QueueName.Routing, { reason: 'agent-available' });
    // Going offline hands the agent's conversations over at once (no grace period: it was deliberate).
    if (status.presence === 'offline') await this.jobs.add(QueueName.Routing, { reason: 'presence-offline' });
    await this.realtime.queueChanged('presence');
    return this.withTimeZone(status);
  }
}

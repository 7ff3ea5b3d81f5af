import { Body, Controller, Get, Put } from '@nestjs/common';
import { IsBoolean } from 'class-validator';
import { AgentPrincipal } from '@brigade/agents';
import { SurgeService } from '@brigade/triage';
import { CurrentAgent, Roles } from '../auth/auth.decorators';

class SurgeRequest {
  @IsBoolean()
  enabled: boolean;
}

/** The surge switch: the first-line assistant then announces longer waits and answers the surge questions first. */
@Controller('api/supervisor/surge')
@Roles('supervisor', 'admin')
export class SurgeController {
  constructor(private readonly surge: SurgeService) {}

  @Get()
  status() {
    return this.surge.status();
  }

  @Put()
  set(@CurrentAgent() principal: AgentPrincipal, @Body() body: SurgeRequest) {
    return this.surge.set(principal, body.enabled);
  }
}

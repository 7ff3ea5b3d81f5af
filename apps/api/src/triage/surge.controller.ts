import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ArrayMaxSize, IsBoolean, IsNumber, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { AgentPrincipal } from '@brigade/agents';
import { SurgeService } from '@brigade/triage';
import { CurrentAgent, Roles } from '../auth/auth.decorators';

class SurgeRequest {
  @IsBoolean()
  enabled: boolean;
}

class SurgeApplyBody {
  /** Reserve agents to put on duty; absent: as many as the watch proposes. */
  @IsOptional()
  @ArrayMaxSize(200)
  @IsUUID('all', { each: true })
  reinforcements?: string[];

  @IsOptional()
  @IsNumber()
  @Min(0.1)
  @Max(24)
  hours?: number;
}

/**
 * Surge mode: the view (state, the watch's proposal, the reserve list), apply and undo in one action, and the plain
 * switch kept for scripts.
 */
@Controller('api/supervisor/surge')
@Roles('supervisor', 'admin')
export class SurgeController {
  constructor(private readonly surge: SurgeService) {}

  @Get()
  async status() {
    const view = await this.surge.view();
    return { enabled: view.active, ...view };
  }

  @Put()
  set(@CurrentAgent() principal: AgentPrincipal, @Body() body: SurgeRequest) {
    return this.surge.set(principal, body.enabled);
  }

  @Post('apply')
  @HttpCode(200)
  apply(@CurrentAgent() principal: AgentPrincipal, @Body() body: SurgeApplyBody) {
    return this.surge.apply(principal, body);
  }

  @Post('undo')
  @HttpCode(200)
  undo(@CurrentAgent() principal: AgentPrincipal) {
    return this.surge.undo(principal);
  }
}

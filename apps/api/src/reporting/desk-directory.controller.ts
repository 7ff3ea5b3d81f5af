import { Controller, Get } from '@nestjs/common';
import { AgentPrincipal } from '@brigade/agents';
import { ReportingService } from '@brigade/reporting';
import { CurrentAgent } from '../auth/auth.decorators';

/** What any agent may know about colleagues: who is on duty and how loaded, to choose a transfer target. */
@Controller('api/desk')
export class DeskDirectoryController {
  constructor(private readonly reporting: ReportingService) {}

  @Get('colleagues')
  colleagues(@CurrentAgent() principal: AgentPrincipal) {
    return this.reporting.colleagues(principal.agentId);
  }
}

import { Controller, Get } from '@nestjs/common';
import { QueueDirectory } from '@brigade/administration';
import { AgentPrincipal } from '@brigade/agents';
import { ReportingService } from '@brigade/reporting';
import { CurrentAgent } from '../auth/auth.decorators';

/**
 * What any agent may know to choose a transfer target: the colleagues on duty and how loaded they are, and the active
 * queues (keys and names only: no skills, service levels or retention).
 */
@Controller('api/desk')
export class DeskDirectoryController {
  constructor(
    private readonly reporting: ReportingService,
    private readonly queues: QueueDirectory,
  ) {}

  @Get('colleagues')
  colleagues(@CurrentAgent() principal: AgentPrincipal) {
    return this.reporting.colleagues(principal.agentId);
  }

  @Get('queues')
  activeQueues() {
    return this.queues.activeQueues();
  }
}

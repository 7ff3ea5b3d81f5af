import { Controller, Get, HttpCode, NotFoundException, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { AgentPrincipal } from '@brigade/agents';
import { QuarantineService, ReplayQuarantinedUseCase } from '@brigade/intake';
import { CurrentAgent, Roles } from '../auth/auth.decorators';

/** Inbound messages intake could not store for good: counted for the console, listed and replayed by administrators. */
@Controller('api/admin/quarantine')
export class AdminQuarantineController {
  constructor(
    private readonly quarantine: QuarantineService,
    private readonly replay: ReplayQuarantinedUseCase,
  ) {}

  @Get('count')
  @Roles('supervisor', 'admin')
  async count() {
    return { open: await this.quarantine.openCount() };
  }

  @Get()
  @Roles('admin')
  async list() {
    return { open: await this.quarantine.openCount(), items: await this.quarantine.list() };
  }

  @Post(':id/replay')
  @Roles('admin')
  @HttpCode(200)
  async replayOne(@CurrentAgent() actor: AgentPrincipal, @Param('id', new ParseUUIDPipe()) id: string) {
    const result = await this.replay.execute(actor, id);
    if (!result.found) throw new NotFoundException('Message en quarantaine introuvable');
    return { outcome: result.outcome, replayed: result.replayed };
  }
}

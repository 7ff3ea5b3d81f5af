import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { AgentPrincipal } from '@brigade/agents';
import { AssignmentNotifier, ReroutingService } from '@brigade/routing';
import { CurrentAgent } from '../auth/auth.decorators';
import { MoveBody } from './supervisor-actions.controller';

/** Transfer to another agent or to a queue, with a note: by the conversation's assignee or a supervisor. */
@Controller('api/conversations')
export class ConversationTransferController {
  constructor(
    private readonly rerouting: ReroutingService,
    private readonly notifier: AssignmentNotifier,
  ) {}

  @Post(':id/transfer')
  @HttpCode(200)
  async transfer(
    @CurrentAgent() principal: AgentPrincipal,
    @Param('id', new ParseUUIDPipe()) conversationId: string,
    @Body() body: MoveBody,
  ) {
    const change = await this.rerouting.transfer(principal, conversationId, body, body.note ?? '', 'transfer');
    await this.notifier.notifyChange(change);
    return { assignedTo: change.assignments[0]?.agentId ?? null };
  }
}

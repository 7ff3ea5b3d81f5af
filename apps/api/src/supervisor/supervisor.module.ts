import { Module } from '@nestjs/common';
import { AgentsModule } from '@brigade/agents';
import { RealtimeModule } from '@brigade/realtime';
import { RoutingModule } from '@brigade/routing';
import { ConversationTransferController } from './conversation-transfer.controller';
import { SupervisorActionsController } from './supervisor-actions.controller';

/** Routing actions over HTTP: supervisor duty, roster and reassignment; transfer by the assignee. */
@Module({
  imports: [AgentsModule, RoutingModule, RealtimeModule],
  controllers: [SupervisorActionsController, ConversationTransferController],
})
export class SupervisorModule {}

import { Module } from '@nestjs/common';
import { AgentsModule } from '@brigade/agents';
import { AuditModule } from '@brigade/audit';
import { ConversationsModule } from '@brigade/conversations';
import { RealtimeModule } from '@brigade/realtime';
import { AssignmentNotifier } from './assignment-notifier';
import { QueueStatusService } from './queue-status.service';
import { ReroutingService } from './rerouting.service';
import { RoutingService } from './routing.service';

@Module({
  imports: [AgentsModule, AuditModule, ConversationsModule, RealtimeModule],
  providers: [RoutingService, ReroutingService, QueueStatusService, AssignmentNotifier],
  exports: [RoutingService, ReroutingService, QueueStatusService, AssignmentNotifier],
})
export class RoutingModule {}

import { Module } from '@nestjs/common';
import { AgentsModule } from '@brigade/agents';
import { AuditModule } from '@brigade/audit';
import { ConversationsModule } from '@brigade/conversations';
import { RealtimeModule } from '@brigade/realtime';
import { AssignmentNotifier } from './assignment-notifier';
import { QueueDrainer } from './queue-drainer';
import { QueueStatusService } from './queue-status.service';
import { ReroutingService } from './rerouting.service';
import { RoutingService } from './routing.service';
import { SocialQueueStatusService } from './social-queue-status.service';

@Module({
  imports: [AgentsModule, AuditModule, ConversationsModule, RealtimeModule],
  providers: [RoutingService, ReroutingService, QueueStatusService, SocialQueueStatusService, AssignmentNotifier, QueueDrainer],
  exports: [RoutingService, ReroutingService, QueueStatusService, SocialQueueStatusService, AssignmentNotifier, QueueDrainer],
})
export class RoutingModule {}

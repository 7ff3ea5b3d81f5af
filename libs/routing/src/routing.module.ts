import { Module } from '@nestjs/common';
import { AgentsModule } from '@brigade/agents';
import { ConversationsModule } from '@brigade/conversations';
import { RealtimeModule } from '@brigade/realtime';
import { AssignmentNotifier } from './assignment-notifier';
import { RoutingService } from './routing.service';

@Module({
  imports: [AgentsModule, ConversationsModule, RealtimeModule],
  providers: [RoutingService, AssignmentNotifier],
  exports: [RoutingService, AssignmentNotifier],
})
export class RoutingModule {}

import { Module } from '@nestjs/common';
import { AuditModule } from '@brigade/audit';
import { RealtimeModule } from '@brigade/realtime';
import { CitizenSessionService } from './citizen-session.service';
import { ConversationsService } from './conversations.service';
import { DeskToolsService } from './desk-tools.service';
import { MessageSearchService } from './message-search.service';

@Module({
  imports: [AuditModule, RealtimeModule],
  providers: [ConversationsService, DeskToolsService, CitizenSessionService, MessageSearchService],
  exports: [ConversationsService, DeskToolsService, CitizenSessionService, MessageSearchService],
})
export class ConversationsModule {}

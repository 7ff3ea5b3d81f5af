import { Module } from '@nestjs/common';
import { AuditModule } from '@brigade/audit';
import { RealtimeModule } from '@brigade/realtime';
import { CitizenSessionService } from './citizen-session.service';
import { ConversationsService } from './conversations.service';
import { DeskToolsService } from './desk-tools.service';

@Module({
  imports: [AuditModule, RealtimeModule],
  providers: [ConversationsService, DeskToolsService, CitizenSessionService],
  exports: [ConversationsService, DeskToolsService, CitizenSessionService],
})
export class ConversationsModule {}

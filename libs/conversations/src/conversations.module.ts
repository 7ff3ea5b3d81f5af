import { Module } from '@nestjs/common';
import { AuditModule } from '@brigade/audit';
import { CitizenSessionService } from './citizen-session.service';
import { ConversationsService } from './conversations.service';

@Module({
  imports: [AuditModule],
  providers: [ConversationsService, CitizenSessionService],
  exports: [ConversationsService, CitizenSessionService],
})
export class ConversationsModule {}

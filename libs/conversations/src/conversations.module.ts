import { Module } from '@nestjs/common';
import { AuditModule } from '@brigade/audit';
import { ConversationsService } from './conversations.service';

@Module({ imports: [AuditModule], providers: [ConversationsService], exports: [ConversationsService] })
export class ConversationsModule {}

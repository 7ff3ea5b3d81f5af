import { Module } from '@nestjs/common';
import { AuditModule } from '@brigade/audit';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { ConversationsModule } from '@brigade/conversations';
import { ATTACHMENT_STORAGE } from './attachment-storage';
import { createAttachmentStorage } from './create-attachment-storage';
import { AttachmentsService } from './attachments.service';

@Module({
  imports: [AuditModule, ConversationsModule],
  providers: [
    { provide: ATTACHMENT_STORAGE, inject: [APP_CONFIG], useFactory: (config: AppConfig) => createAttachmentStorage(config.attachments.storage) },
    AttachmentsService,
  ],
  exports: [AttachmentsService],
})
export class AttachmentsModule {}

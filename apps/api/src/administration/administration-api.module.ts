import { Module } from '@nestjs/common';
import { AdministrationModule } from '@brigade/administration';
import { AdminAgentsController } from './admin-agents.controller';
import { AdminAuditController } from './admin-audit.controller';
import { AdminCannedRepliesController } from './admin-canned-replies.controller';
import { AdminChannelsController } from './admin-channels.controller';
import { AdminContactsController } from './admin-contacts.controller';
import { AdminQueuesController } from './admin-queues.controller';
import { AdminRosterController } from './admin-roster.controller';
import { PasswordResetController } from './password-reset.controller';

/** The administration REST API (/api/admin/...) and the public password reset. */
@Module({
  imports: [AdministrationModule],
  controllers: [
    AdminAgentsController,
    AdminAuditController,
    AdminCannedRepliesController,
    AdminChannelsController,
    AdminContactsController,
    AdminQueuesController,
    AdminRosterController,
    PasswordResetController,
  ],
  exports: [AdministrationModule],
})
export class AdministrationApiModule {}

import { Module } from '@nestjs/common';
import { AdministrationModule } from '@brigade/administration';
import { IntakeModule } from '@brigade/intake';
import { AdminAgentsController } from './admin-agents.controller';
import { AdminAuditController } from './admin-audit.controller';
import { AdminCannedRepliesController } from './admin-canned-replies.controller';
import { AdminChannelsController } from './admin-channels.controller';
import { AdminContactsController } from './admin-contacts.controller';
import { AdminQuarantineController } from './admin-quarantine.controller';
import { AdminQueuesController } from './admin-queues.controller';
import { AdminRosterController } from './admin-roster.controller';
import { PasswordResetController } from './password-reset.controller';

/** The administration REST API (/api/admin/...) and the public password reset. */
@Module({
  imports: [AdministrationModule, IntakeModule],
  controllers: [
    AdminAgentsController,
    AdminAuditController,
    AdminCannedRepliesController,
    AdminChannelsController,
    AdminContactsController,
    AdminQuarantineController,
    AdminQueuesController,
    AdminRosterController,
    PasswordResetController,
  ],
  exports: [AdministrationModule],
})
export class AdministrationApiModule {}

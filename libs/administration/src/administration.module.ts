import { Module } from '@nestjs/common';
import { AgentsModule } from '@brigade/agents';
import { AuditModule } from '@brigade/audit';
import { RoutingModule } from '@brigade/routing';
import { AgentsAdminService } from './agents-admin.service';
import { AuditLogService } from './audit-log.service';
import { CannedRepliesAdminService } from './canned-replies-admin.service';
import { ChannelSwitchService } from './channel-switch.service';
import { ContactsAdminService } from './contacts-admin.service';
import { PasswordResetService } from './password-reset.service';
import { QueueCatalogModule } from './queue-catalog.module';
import { QueuesAdminService } from './queues-admin.service';
import { RosterAdminService } from './roster-admin.service';
import { RoutingRefresh } from './routing-refresh';

const SERVICES = [
  AgentsAdminService,
  AuditLogService,
  CannedRepliesAdminService,
  ChannelSwitchService,
  ContactsAdminService,
  PasswordResetService,
  QueuesAdminService,
  RosterAdminService,
  RoutingRefresh,
];

/** Administration of people, roster, queues, canned replies, channels, contacts and the audit log. */
@Module({
  imports: [AgentsModule, AuditModule, RoutingModule, QueueCatalogModule],
  providers: SERVICES,
  exports: SERVICES,
})
export class AdministrationModule {}

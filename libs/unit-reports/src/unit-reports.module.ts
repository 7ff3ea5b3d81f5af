import { Module } from '@nestjs/common';
import { AuditModule } from '@brigade/audit';
import { ChannelsModule } from '@brigade/channels';
import { MailModule } from '@brigade/mail';
import { CommuneCatalogue } from './commune-catalogue';
import { ReportDeliveryService } from './report-delivery.service';
import { ReportsService } from './reports.service';
import { UnitsAdminService } from './units-admin.service';

/** Unit directory, reports to territorial units and their delivery. */
@Module({
  imports: [AuditModule, ChannelsModule, MailModule],
  providers: [CommuneCatalogue, UnitsAdminService, ReportsService, ReportDeliveryService],
  exports: [CommuneCatalogue, UnitsAdminService, ReportsService, ReportDeliveryService],
})
export class UnitReportsModule {}

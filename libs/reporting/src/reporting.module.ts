import { Module } from '@nestjs/common';
import { AgentsModule } from '@brigade/agents';
import { ReportingService } from './reporting.service';
import { SupervisorHistoryService } from './supervisor-history.service';

@Module({ imports: [AgentsModule], providers: [ReportingService, SupervisorHistoryService], exports: [ReportingService, SupervisorHistoryService] })
export class ReportingModule {}

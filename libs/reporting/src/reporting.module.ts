import { Module } from '@nestjs/common';
import { AgentsModule } from '@brigade/agents';
import { ReportingService } from './reporting.service';

@Module({ imports: [AgentsModule], providers: [ReportingService], exports: [ReportingService] })
export class ReportingModule {}

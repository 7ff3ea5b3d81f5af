import { Module } from '@nestjs/common';
import { QueueCatalogModule } from '@brigade/administration';
import { AgentsModule } from '@brigade/agents';
import { AuditModule } from '@brigade/audit';
import { MailModule } from '@brigade/mail';
import { KnowledgeBaseModule } from '@brigade/knowledge-base';
import { RealtimeModule } from '@brigade/realtime';
import { RoutingModule } from '@brigade/routing';
import { SurgeService } from './surge.service';
import { SystemWordingService } from './system-wording.service';
import { TriageService } from './triage.service';

@Module({
  imports: [AgentsModule, AuditModule, MailModule, KnowledgeBaseModule, RealtimeModule, RoutingModule, QueueCatalogModule],
  providers: [TriageService, SurgeService, SystemWordingService],
  exports: [TriageService, SurgeService, SystemWordingService],
})
export class TriageModule {}

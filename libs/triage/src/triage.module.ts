import { Module } from '@nestjs/common';
import { QueueCatalogModule } from '@brigade/administration';
import { AuditModule } from '@brigade/audit';
import { KnowledgeBaseModule } from '@brigade/knowledge-base';
import { RealtimeModule } from '@brigade/realtime';
import { RoutingModule } from '@brigade/routing';
import { SurgeService } from './surge.service';
import { TriageService } from './triage.service';

@Module({
  imports: [AuditModule, KnowledgeBaseModule, RealtimeModule, RoutingModule, QueueCatalogModule],
  providers: [TriageService, SurgeService],
  exports: [TriageService, SurgeService],
})
export class TriageModule {}

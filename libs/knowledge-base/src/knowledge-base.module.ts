import { Module } from '@nestjs/common';
import { AuditModule } from '@brigade/audit';
import { KnowledgeBaseService } from './knowledge-base.service';
import { KnowledgeDeskService } from './knowledge-desk.service';
import { KnowledgeEventsService } from './knowledge-events.service';
import { KnowledgeSearchService } from './knowledge-search.service';

const SERVICES = [KnowledgeBaseService, KnowledgeSearchService, KnowledgeEventsService, KnowledgeDeskService];

/** The knowledge base: articles, versions, import and export, search, and the figures of its use. */
@Module({ imports: [AuditModule], providers: SERVICES, exports: SERVICES })
export class KnowledgeBaseModule {}

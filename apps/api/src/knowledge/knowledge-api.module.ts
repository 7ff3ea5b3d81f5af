import { Module } from '@nestjs/common';
import { KnowledgeBaseModule } from '@brigade/knowledge-base';
import { KnowledgeAdminController } from './knowledge-admin.controller';
import { KnowledgeDeskController } from './knowledge-desk.controller';
import { KnowledgeFiguresController } from './knowledge-figures.controller';
import { KnowledgePublicController } from './knowledge-public.controller';

/** The knowledge base's REST API: writers (/api/admin/knowledge), desk, supervisors, and the widget's public reads. */
@Module({
  imports: [KnowledgeBaseModule],
  controllers: [KnowledgeAdminController, KnowledgeDeskController, KnowledgeFiguresController, KnowledgePublicController],
})
export class KnowledgeApiModule {}

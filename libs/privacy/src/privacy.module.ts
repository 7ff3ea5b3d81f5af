import { Module } from '@nestjs/common';
import { AttachmentsModule } from '@brigade/attachments';
import { AuditModule } from '@brigade/audit';
import { RealtimeModule } from '@brigade/realtime';
import { PersonalDataService } from './personal-data.service';
import { RetentionService } from './retention.service';

@Module({ imports: [AttachmentsModule, AuditModule, RealtimeModule], providers: [RetentionService, PersonalDataService], exports: [RetentionService, PersonalDataService] })
export class PrivacyModule {}

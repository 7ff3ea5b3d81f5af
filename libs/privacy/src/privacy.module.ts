import { Module } from '@nestjs/common';
import { AuditModule } from '@brigade/audit';
import { RealtimeModule } from '@brigade/realtime';
import { PersonalDataService } from './personal-data.service';
import { RetentionService } from './retention.service';

@Module({ imports: [AuditModule, RealtimeModule], providers: [RetentionService, PersonalDataService], exports: [RetentionService, PersonalDataService] })
export class PrivacyModule {}

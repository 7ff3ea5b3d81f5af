import { Module } from '@nestjs/common';
import { AuditModule } from '@brigade/audit';
import { PersonalDataService } from './personal-data.service';
import { RetentionService } from './retention.service';

@Module({ imports: [AuditModule], providers: [RetentionService, PersonalDataService], exports: [RetentionService, PersonalDataService] })
export class PrivacyModule {}

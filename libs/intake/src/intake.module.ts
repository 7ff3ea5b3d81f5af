import { Module } from '@nestjs/common';
import { AuditModule } from '@brigade/audit';
import { RealtimeModule } from '@brigade/realtime';
import { DeliveryRelay } from './delivery-relay';
import { IngestMessageUseCase } from './ingest-message.use-case';
import { IntakeService } from './intake.service';
import { QuarantineService } from './quarantine.service';
import { ReplayQuarantinedUseCase } from './replay-quarantined.use-case';

@Module({
  imports: [RealtimeModule, AuditModule],
  providers: [IntakeService, IngestMessageUseCase, DeliveryRelay, QuarantineService, ReplayQuarantinedUseCase],
  exports: [IntakeService, IngestMessageUseCase, DeliveryRelay, QuarantineService, ReplayQuarantinedUseCase],
})
export class IntakeModule {}

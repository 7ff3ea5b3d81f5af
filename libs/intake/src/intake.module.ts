import { Module } from '@nestjs/common';
import { DeliveryRelay } from './delivery-relay';
import { IngestMessageUseCase } from './ingest-message.use-case';
import { IntakeService } from './intake.service';

@Module({
  providers: [IntakeService, IngestMessageUseCase, DeliveryRelay],
  exports: [IntakeService, IngestMessageUseCase, DeliveryRelay],
})
export class IntakeModule {}

import { Module } from '@nestjs/common';
import { RealtimeModule } from '@brigade/realtime';
import { DeliveryRelay } from './delivery-relay';
import { IngestMessageUseCase } from './ingest-message.use-case';
import { IntakeService } from './intake.service';

@Module({
  imports: [RealtimeModule],
  providers: [IntakeService, IngestMessageUseCase, DeliveryRelay],
  exports: [IntakeService, IngestMessageUseCase, DeliveryRelay],
})
export class IntakeModule {}

import { Module } from '@nestjs/common';
import { QueueCatalog } from './queue-catalog';
import { QueueChangeSignal } from '@brigade/queue';

/** The queues table as other areas read it (the triage menu), kept fresh across processes. */
@Module({
  providers: [QueueCatalog, QueueChangeSignal],
  exports: [QueueCatalog, QueueChangeSignal],
})
export class QueueCatalogModule {}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { DeskQueueView } from '@brigade/realtime';

/** What any agent may know of the queues: the active ones' keys and names, to transfer a conversation to one. */
@Injectable()
export class QueueDirectory {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  activeQueues(): Promise<DeskQueueView[]> {
    return this.dataSource.query(
      `SELECT key, name_fr AS "nameFr", name_en AS "nameEn" FROM queues WHERE active ORDER BY priority, key`,
    );
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The relay looks for agent replies still queued on every pass of every worker: without an index it read the whole
 * message history each time (18 ms at 100,000 messages under `npm run bench`, growing with every message). A partial
 * index holds only the queued replies.
 */
export class OutboundQueuedIndex1795910000000 implements MigrationInterface {
  name = 'OutboundQueuedIndex1795910000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "ix_messages_outbound_queued" ON "messages" ("created_at") WHERE direction = 'outbound' AND delivery_status = 'queued'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_messages_outbound_queued"`);
  }
}

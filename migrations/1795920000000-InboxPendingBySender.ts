import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Intake stores a citizen's message in its conversation at once only when no earlier message of the same citizen is
 * still waiting for the ingestion worker (so that the desk receives them in order). The check reads this partial
 * index of the pending entries by sender: a probe of the entries still waiting, not of the inbox history.
 */
export class InboxPendingBySender1795920000000 implements MigrationInterface {
  name = 'InboxPendingBySender1795920000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "ix_inbox_entries_pending_sender" ON "inbox_entries"
         ("channel", (payload->>'channelAccount'), (payload->'sender'->>'externalId')) WHERE processed_at IS NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_inbox_entries_pending_sender"`);
  }
}

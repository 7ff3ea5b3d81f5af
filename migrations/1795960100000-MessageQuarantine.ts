import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Inbound messages that cannot be stored for good (PostgreSQL refuses their content, or nothing is left after
 * cleaning) are kept here with their raw bytes instead of failing the webhook forever; administrators list and replay
 * them. Erasure deletes a contact's entries by sender.
 */
export class MessageQuarantine1795960100000 implements MigrationInterface {
  name = 'MessageQuarantine1795960100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "quarantined_messages" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "channel" text NOT NULL, "channel_message_id" text, "sender_external_id" text, "reason" text NOT NULL, "error" text, "raw" bytea NOT NULL, "correlation_id" text, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "replayed_at" TIMESTAMP WITH TIME ZONE, "replay_outcome" text, CONSTRAINT "PK_quarantined_messages" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_quarantined_messages_sender" ON "quarantined_messages"  ("channel", "sender_external_id") `);
    await queryRunner.query(`CREATE INDEX "ix_quarantined_messages_open" ON "quarantined_messages"  ("received_at") WHERE replayed_at IS NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_quarantined_messages_open"`);
    await queryRunner.query(`DROP INDEX "public"."ix_quarantined_messages_sender"`);
    await queryRunner.query(`DROP TABLE "quarantined_messages"`);
  }
}

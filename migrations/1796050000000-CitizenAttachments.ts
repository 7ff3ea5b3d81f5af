import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Files citizens send (web chat uploads, Messenger and X attachments downloaded at ingestion): one row per stored
 * file, its bytes in the attachment storage under `storage_key`. A row exists before its message (the web chat
 * uploads first): `message_id` and `conversation_id` are filled when the worker stores the message, and the unique
 * (channel, channel_message_id, position) makes a retried upload or a redelivered webhook store each file once.
 * Deleting a message or a conversation deletes its rows; the services delete the objects first.
 */
export class CitizenAttachments1796050000000 implements MigrationInterface {
  name = 'CitizenAttachments1796050000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "attachments" (
        "id" uuid NOT NULL,
        "message_id" uuid,
        "conversation_id" uuid,
        "channel" text NOT NULL,
        "channel_message_id" text NOT NULL,
        "position" smallint NOT NULL,
        "kind" text NOT NULL,
        "content_type" text NOT NULL,
        "size_bytes" integer NOT NULL,
        "sha256" text NOT NULL,
        "storage_key" text NOT NULL,
        "original_name" text NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_5e1f050bcff31e3084a1d662412" PRIMARY KEY ("id"))`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_attachments_channel_message_position" ON "attachments" ("channel", "channel_message_id", "position")`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_attachments_storage_key" ON "attachments" ("storage_key")`);
    await queryRunner.query(`CREATE INDEX "ix_attachments_conversation" ON "attachments" ("conversation_id")`);
    await queryRunner.query(`CREATE INDEX "ix_attachments_message" ON "attachments" ("message_id")`);
    await queryRunner.query(`CREATE INDEX "ix_attachments_unlinked" ON "attachments" ("created_at") WHERE message_id IS NULL`);
    await queryRunner.query(
      `ALTER TABLE "attachments" ADD CONSTRAINT "fk_attachments_message" FOREIGN KEY ("message_id") REFERENCES "messages"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "attachments" ADD CONSTRAINT "fk_attachments_conversation" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "attachments"`);
  }
}

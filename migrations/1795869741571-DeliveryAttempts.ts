import { MigrationInterface, QueryRunner } from 'typeorm';

/** Every try at delivering an agent reply to Facebook, X or another channel, with the provider's answer. */
export class DeliveryAttempts1795869741571 implements MigrationInterface {
  name = 'DeliveryAttempts1795869741571';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "delivery_attempts" ("id" BIGSERIAL NOT NULL, "message_id" uuid NOT NULL, "attempt" integer NOT NULL, "channel" text NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "finished_at" TIMESTAMP WITH TIME ZONE, "outcome" text NOT NULL DEFAULT 'pending', "provider_message_id" text, "error" text, "retry_after_ms" integer, CONSTRAINT "pk_delivery_attempts" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_delivery_attempts_message_attempt" ON "delivery_attempts" ("message_id", "attempt") `,
    );
    await queryRunner.query(
      `ALTER TABLE "delivery_attempts" ADD CONSTRAINT "fk_delivery_attempts_message" FOREIGN KEY ("message_id") REFERENCES "messages"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "delivery_attempts" DROP CONSTRAINT "fk_delivery_attempts_message"`);
    await queryRunner.query(`DROP INDEX "public"."uq_delivery_attempts_message_attempt"`);
    await queryRunner.query(`DROP TABLE "delivery_attempts"`);
  }
}

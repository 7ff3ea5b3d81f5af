import { MigrationInterface, QueryRunner } from 'typeorm';

/** The first-line assistant's memory per conversation, and run-time switches such as surge mode. */
export class Triage1795870200000 implements MigrationInterface {
  name = 'Triage1795870200000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "conversations" ADD "triage_state" jsonb NOT NULL DEFAULT '{}'`);
    await queryRunner.query(
      `CREATE TABLE "platform_settings" ("key" text NOT NULL, "value" jsonb NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_platform_settings" PRIMARY KEY ("key"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "platform_settings"`);
    await queryRunner.query(`ALTER TABLE "conversations" DROP COLUMN "triage_state"`);
  }
}

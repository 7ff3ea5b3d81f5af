import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The contact form / e-mail channel: each topic queue gets the service level of its e-mail conversations, in hours
 * (a message left through the form should be answered within a day).
 */
export class EmailChannel1796010000000 implements MigrationInterface {
  name = 'EmailChannel1796010000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "queues" ADD "email_sla_hours" integer NOT NULL DEFAULT '24'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "queues" DROP COLUMN "email_sla_hours"`);
  }
}

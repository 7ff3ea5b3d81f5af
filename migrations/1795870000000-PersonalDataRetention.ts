import { MigrationInterface, QueryRunner } from 'typeorm';

/** Legal hold and purge marker on conversations, for the retention policy. */
export class PersonalDataRetention1795870000000 implements MigrationInterface {
  name = 'PersonalDataRetention1795870000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "conversations" ADD "legal_hold" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "conversations" ADD "purged_at" TIMESTAMP WITH TIME ZONE`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "conversations" DROP COLUMN "purged_at"`);
    await queryRunner.query(`ALTER TABLE "conversations" DROP COLUMN "legal_hold"`);
  }
}

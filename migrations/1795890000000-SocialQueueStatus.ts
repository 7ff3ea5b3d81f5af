import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a social-channel citizen was last told of their queue position and wait, so that the update messages are
 * decided once across every worker (a conditional UPDATE of these columns claims each message).
 */
export class SocialQueueStatus1795890000000 implements MigrationInterface {
  name = 'SocialQueueStatus1795890000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "conversations" ADD "queue_status_told_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "conversations" ADD "queue_status_told_position" integer`);
    await queryRunner.query(`ALTER TABLE "conversations" ADD "queue_status_told_wait_seconds" integer`);
    await queryRunner.query(`ALTER TABLE "conversations" ADD "queue_status_told_for" TIMESTAMP WITH TIME ZONE`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "conversations" DROP COLUMN "queue_status_told_for"`);
    await queryRunner.query(`ALTER TABLE "conversations" DROP COLUMN "queue_status_told_wait_seconds"`);
    await queryRunner.query(`ALTER TABLE "conversations" DROP COLUMN "queue_status_told_position"`);
    await queryRunner.query(`ALTER TABLE "conversations" DROP COLUMN "queue_status_told_at"`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/** Web chat widget: the citizen's quick exit flag and the optional satisfaction rating on conversations. */
export class WebchatCitizenSession1795869627274 implements MigrationInterface {
  name = 'WebchatCitizenSession1795869627274';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "conversations" ADD "citizen_left_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "conversations" ADD "citizen_rating" smallint`);
    await queryRunner.query(`ALTER TABLE "conversations" ADD "citizen_rated_at" TIMESTAMP WITH TIME ZONE`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "conversations" DROP COLUMN "citizen_rated_at"`);
    await queryRunner.query(`ALTER TABLE "conversations" DROP COLUMN "citizen_rating"`);
    await queryRunner.query(`ALTER TABLE "conversations" DROP COLUMN "citizen_left_at"`);
  }
}

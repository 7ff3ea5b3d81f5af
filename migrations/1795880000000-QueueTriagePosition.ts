import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The triage menu is built from the queues table: each queue gets its place in the menu. The five seeded topics keep
 * the numbers citizens were offered until now (1 general ... 5 recruitment).
 */
export class QueueTriagePosition1795880000000 implements MigrationInterface {
  name = 'QueueTriagePosition1795880000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "queues" ADD "triage_position" integer`);
    await queryRunner.query(
      `UPDATE "queues" q SET "triage_position" = s.position
         FROM (VALUES ('general', 1), ('offence', 2), ('violence', 3), ('procedure', 4), ('recruitment', 5)) AS s(key, position)
        WHERE q.key = s.key`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "queues" DROP COLUMN "triage_position"`);
  }
}

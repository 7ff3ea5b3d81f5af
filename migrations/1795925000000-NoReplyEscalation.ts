import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An assigned conversation left unanswered past its no-reply delay, when no other gendarme could take it, stays with
 * its gendarme and is escalated to the supervisors instead of bouncing back to the same person: the time of that
 * escalation (once per assignment) is kept, and the console counts it as a service-level breach.
 */
export class NoReplyEscalation1795925000000 implements MigrationInterface {
  name = 'NoReplyEscalation1795925000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "conversations" ADD "no_reply_escalated_at" TIMESTAMP WITH TIME ZONE`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "conversations" DROP COLUMN "no_reply_escalated_at"`);
  }
}

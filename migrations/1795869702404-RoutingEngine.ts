import { MigrationInterface, QueryRunner } from "typeorm";

export class RoutingEngine1795869702404 implements MigrationInterface {
    name = 'RoutingEngine1795869702404'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "agents" ADD "disconnected_at" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`ALTER TABLE "conversations" ADD "previous_assignee_id" uuid`);
        await queryRunner.query(`ALTER TABLE "conversations" ADD "routing_hint" text`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "conversations" DROP COLUMN "routing_hint"`);
        await queryRunner.query(`ALTER TABLE "conversations" DROP COLUMN "previous_assignee_id"`);
        await queryRunner.query(`ALTER TABLE "agents" DROP COLUMN "disconnected_at"`);
    }
}

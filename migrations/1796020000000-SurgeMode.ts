import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Surge mode: a per-queue wait threshold the surge watch compares waits with, and the reserve list (with an e-mail
 * address for the call) from which surge mode puts reinforcements on duty.
 */

export class SurgeMode1796020000000 implements MigrationInterface {
    name = 'SurgeMode1796020000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "agents" ADD "reserve" boolean NOT NULL DEFAULT false`);
        await queryRunner.query(`ALTER TABLE "agents" ADD "email" text`);
        await queryRunner.query(`ALTER TABLE "queues" ADD "surge_wait_seconds" integer`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "queues" DROP COLUMN "surge_wait_seconds"`);
        await queryRunner.query(`ALTER TABLE "agents" DROP COLUMN "email"`);
        await queryRunner.query(`ALTER TABLE "agents" DROP COLUMN "reserve"`);
    }
}

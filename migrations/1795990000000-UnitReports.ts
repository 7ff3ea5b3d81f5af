import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Reports to territorial units: the unit directory (communes, postcodes, departments covered), the reports written
 * from a conversation (deleted with it) and their deliveries by e-mail and signed webhook, failed ones kept as the
 * dead letter list administrators see.
 */

export class UnitReports1795990000000 implements MigrationInterface {
    name = 'UnitReports1795990000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "local_units" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "code" text NOT NULL, "name" text NOT NULL, "type" text NOT NULL, "address" text NOT NULL DEFAULT '', "phone" text NOT NULL DEFAULT '', "email" text, "webhook_url" text, "communes" text array NOT NULL DEFAULT '{}', "postcodes" text array NOT NULL DEFAULT '{}', "departments" text array NOT NULL DEFAULT '{}', "active" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b2dc8899aae330e678adbc90830" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_local_units_code" ON "local_units"  ("code") `);
        await queryRunner.query(`CREATE TABLE "unit_reports" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "conversation_id" uuid NOT NULL, "client_report_id" text NOT NULL, "author_agent_id" uuid, "unit_id" uuid NOT NULL, "routed_unit_id" uuid, "routing" text NOT NULL, "override_reason" text, "nature" text NOT NULL, "facts_at" TIMESTAMP WITH TIME ZONE, "facts_place" text NOT NULL DEFAULT '', "commune_code" text NOT NULL, "commune_name" text NOT NULL, "persons" jsonb NOT NULL DEFAULT '[]', "summary" text NOT NULL, "urgency" text NOT NULL, "consent_to_contact" boolean NOT NULL, "contact_means" jsonb NOT NULL DEFAULT '{}', "message_ids" uuid array NOT NULL DEFAULT '{}', "status" text NOT NULL DEFAULT 'sending', "citizen_told_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_8517e9097cbda5e2fa97408fa3c" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_unit_reports_client_id" ON "unit_reports"  ("conversation_id", "client_report_id") `);
        await queryRunner.query(`CREATE INDEX "ix_unit_reports_conversation" ON "unit_reports"  ("conversation_id", "created_at") `);
        await queryRunner.query(`CREATE TABLE "report_deliveries" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "report_id" uuid NOT NULL, "target" text NOT NULL, "address" text NOT NULL, "status" text NOT NULL DEFAULT 'queued', "attempts" integer NOT NULL DEFAULT '0', "last_error" text, "delivered_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a1ae81137e17c6c6379c70982d2" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_report_deliveries_failed" ON "report_deliveries"  ("updated_at") WHERE status = 'failed'`);
        await queryRunner.query(`CREATE INDEX "ix_report_deliveries_report" ON "report_deliveries"  ("report_id") `);
        await queryRunner.query(`ALTER TABLE "unit_reports" ADD CONSTRAINT "FK_ee173fe4cbd163fcaa2d23be470" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "unit_reports" ADD CONSTRAINT "FK_22ef8e1b1657fe6d0ab03915129" FOREIGN KEY ("author_agent_id") REFERENCES "agents"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "unit_reports" ADD CONSTRAINT "FK_b0c1994759b606902d9343b32a0" FOREIGN KEY ("unit_id") REFERENCES "local_units"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "report_deliveries" ADD CONSTRAINT "FK_fd2ec75efec89b2c20d646e512a" FOREIGN KEY ("report_id") REFERENCES "unit_reports"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "report_deliveries" DROP CONSTRAINT "FK_fd2ec75efec89b2c20d646e512a"`);
        await queryRunner.query(`ALTER TABLE "unit_reports" DROP CONSTRAINT "FK_b0c1994759b606902d9343b32a0"`);
        await queryRunner.query(`ALTER TABLE "unit_reports" DROP CONSTRAINT "FK_22ef8e1b1657fe6d0ab03915129"`);
        await queryRunner.query(`ALTER TABLE "unit_reports" DROP CONSTRAINT "FK_ee173fe4cbd163fcaa2d23be470"`);
        await queryRunner.query(`DROP INDEX "public"."ix_report_deliveries_report"`);
        await queryRunner.query(`DROP INDEX "public"."ix_report_deliveries_failed"`);
        await queryRunner.query(`DROP TABLE "report_deliveries"`);
        await queryRunner.query(`DROP INDEX "public"."ix_unit_reports_conversation"`);
        await queryRunner.query(`DROP INDEX "public"."uq_unit_reports_client_id"`);
        await queryRunner.query(`DROP TABLE "unit_reports"`);
        await queryRunner.query(`DROP INDEX "public"."uq_local_units_code"`);
        await queryRunner.query(`DROP TABLE "local_units"`);
    }

}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Administration: topic queues managed in the database (seeded with the five triage topics), channel switches,
 * one-time password reset codes, contacts linked as the same citizen, personal canned replies.
 */
export class Administration1795873776094 implements MigrationInterface {
  name = 'Administration1795873776094';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "queues" ("key" text NOT NULL, "name_fr" text NOT NULL, "name_en" text NOT NULL, "priority" smallint NOT NULL DEFAULT '2', "required_skill" text, "sla_wait_seconds" integer NOT NULL DEFAULT '300', "sla_first_reply_seconds" integer NOT NULL DEFAULT '600', "no_reply_reroute_minutes" integer, "retention_days" integer, "triage_keywords" text array NOT NULL DEFAULT '{}', "sensitive" boolean NOT NULL DEFAULT false, "active" boolean NOT NULL DEFAULT true, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_queues" PRIMARY KEY ("key"))`,
    );
    // The topics the triage offered until now (libs/triage/src/topics.ts); 'general' needs no skill, as before.
    await queryRunner.query(
      `INSERT INTO "queues" ("key", "name_fr", "name_en", "priority", "required_skill", "triage_keywords", "sensitive") VALUES
        ('general', 'Une question, un renseignement', 'A question, information', 2, NULL, '{question,renseignement,information,info}', false),
        ('offence', 'Signaler une infraction (vol, arnaque, dégradation…)', 'Report an offence (theft, scam, damage…)', 2, 'offence', '{signaler,infraction,vol,vole,arnaque,escroquerie,cambriolage,plainte}', false),
        ('violence', 'Violences, dont violences sexuelles et sexistes', 'Violence, including sexual and gender-based violence', 1, 'violence', '{violence,violences,harcelement,agression,conjugale,sexuelle,sexiste}', true),
        ('procedure', 'Suivre une procédure en cours', 'Follow up a case', 3, 'procedure', '{procedure,suivi,dossier,convocation}', false),
        ('recruitment', 'Devenir gendarme (recrutement)', 'Joining the Gendarmerie', 3, 'recruitment', '{recrutement,"devenir gendarme",concours,engager,reserviste,reserve}', false)`,
    );
    await queryRunner.query(
      `CREATE TABLE "channel_switches" ("channel" text NOT NULL, "account" text NOT NULL DEFAULT '', "enabled" boolean NOT NULL, "updated_by" uuid, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_channel_switches" PRIMARY KEY ("channel", "account"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "password_reset_codes" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "agent_id" uuid NOT NULL, "code_hash" text NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_password_reset_codes" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_password_reset_codes_hash" ON "password_reset_codes" ("code_hash")`);
    await queryRunner.query(`CREATE INDEX "ix_password_reset_codes_agent" ON "password_reset_codes" ("agent_id")`);
    await queryRunner.query(
      `ALTER TABLE "password_reset_codes" ADD CONSTRAINT "fk_password_reset_codes_agent" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`ALTER TABLE "contacts" ADD "merged_into_id" uuid`);
    await queryRunner.query(`CREATE INDEX "ix_contacts_merged_into" ON "contacts" ("merged_into_id")`);
    await queryRunner.query(
      `ALTER TABLE "contacts" ADD CONSTRAINT "fk_contacts_merged_into" FOREIGN KEY ("merged_into_id") REFERENCES "contacts"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`ALTER TABLE "canned_replies" ADD "owner_agent_id" uuid`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "canned_replies" DROP COLUMN "owner_agent_id"`);
    await queryRunner.query(`ALTER TABLE "contacts" DROP CONSTRAINT "fk_contacts_merged_into"`);
    await queryRunner.query(`DROP INDEX "ix_contacts_merged_into"`);
    await queryRunner.query(`ALTER TABLE "contacts" DROP COLUMN "merged_into_id"`);
    await queryRunner.query(`DROP TABLE "password_reset_codes"`);
    await queryRunner.query(`DROP TABLE "channel_switches"`);
    await queryRunner.query(`DROP TABLE "queues"`);
  }
}

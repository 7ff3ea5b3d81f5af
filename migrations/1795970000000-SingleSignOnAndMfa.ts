import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Single sign-on and second factor: agents' accounts at OpenID Connect providers (by issuer and subject), TOTP
 * secrets (encrypted) with hashed recovery codes, single-use sign-in steps (redirect state, SSO handoff, pending
 * second factor), and the ID token of each SSO desk session for signing out at the provider.
 */
export class SingleSignOnAndMfa1795970000000 implements MigrationInterface {
  name = 'SingleSignOnAndMfa1795970000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "agent_identities" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "agent_id" uuid NOT NULL, "issuer" text NOT NULL, "subject" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_sign_in_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_agent_identities" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_agent_identities_agent" ON "agent_identities"("agent_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_agent_identities_subject" ON "agent_identities"("issuer", "subject") `);
    await queryRunner.query(
      `CREATE TABLE "agent_mfa" ("agent_id" uuid NOT NULL, "secret_ciphertext" text NOT NULL, "enabled_at" TIMESTAMP WITH TIME ZONE, "last_time_step" bigint, "recovery_code_hashes" text array NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_agent_mfa" PRIMARY KEY ("agent_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "auth_challenges" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "kind" text NOT NULL, "token_hash" text NOT NULL, "agent_id" uuid, "data" jsonb NOT NULL DEFAULT '{}', "attempts" integer NOT NULL DEFAULT '0', "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "consumed_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_auth_challenges" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_auth_challenges_expires" ON "auth_challenges"("expires_at") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_auth_challenges_token_hash" ON "auth_challenges"("token_hash") `);
    await queryRunner.query(
      `CREATE TABLE "sso_sessions" ("session_id" uuid NOT NULL, "issuer" text NOT NULL, "id_token" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_sso_sessions" PRIMARY KEY ("session_id"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "agent_identities" ADD CONSTRAINT "FK_agent_identities_agent" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "agent_mfa" ADD CONSTRAINT "FK_agent_mfa_agent" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "auth_challenges" ADD CONSTRAINT "FK_auth_challenges_agent" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "sso_sessions" ADD CONSTRAINT "FK_sso_sessions_session" FOREIGN KEY ("session_id") REFERENCES "auth_sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "sso_sessions" DROP CONSTRAINT "FK_sso_sessions_session"`);
    await queryRunner.query(`ALTER TABLE "auth_challenges" DROP CONSTRAINT "FK_auth_challenges_agent"`);
    await queryRunner.query(`ALTER TABLE "agent_mfa" DROP CONSTRAINT "FK_agent_mfa_agent"`);
    await queryRunner.query(`ALTER TABLE "agent_identities" DROP CONSTRAINT "FK_agent_identities_agent"`);
    await queryRunner.query(`DROP TABLE "sso_sessions"`);
    await queryRunner.query(`DROP INDEX "public"."uq_auth_challenges_token_hash"`);
    await queryRunner.query(`DROP INDEX "public"."ix_auth_challenges_expires"`);
    await queryRunner.query(`DROP TABLE "auth_challenges"`);
    await queryRunner.query(`DROP TABLE "agent_mfa"`);
    await queryRunner.query(`DROP INDEX "public"."uq_agent_identities_subject"`);
    await queryRunner.query(`DROP INDEX "public"."ix_agent_identities_agent"`);
    await queryRunner.query(`DROP TABLE "agent_identities"`);
  }
}

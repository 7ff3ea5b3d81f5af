import { MigrationInterface, QueryRunner } from 'typeorm';

/** Signed-in sessions with rotating refresh tokens, and the failed-login counter that locks an account. */
export class AuthSessions1795870100000 implements MigrationInterface {
  name = 'AuthSessions1795870100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "auth_sessions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "agent_id" uuid NOT NULL, "refresh_token_hash" text NOT NULL, "previous_refresh_token_hash" text, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, "user_agent" text, "ip" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_auth_sessions" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_auth_sessions_agent" ON "auth_sessions" ("agent_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_auth_sessions_refresh_hash" ON "auth_sessions" ("refresh_token_hash") `);
    await queryRunner.query(
      `ALTER TABLE "auth_sessions" ADD CONSTRAINT "FK_auth_sessions_agent" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`ALTER TABLE "agents" ADD "failed_login_count" integer NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE "agents" ADD "locked_until" TIMESTAMP WITH TIME ZONE`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "agents" DROP COLUMN "locked_until"`);
    await queryRunner.query(`ALTER TABLE "agents" DROP COLUMN "failed_login_count"`);
    await queryRunner.query(`DROP TABLE "auth_sessions"`);
  }
}

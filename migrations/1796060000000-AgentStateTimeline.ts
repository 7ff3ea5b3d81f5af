import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The console's agent-state timeline and last-24-hour charts: agent_state_changes, one row each time an agent's
 * presence, duty override, activity or "holds a conversation" changes, written by a trigger on agents so that every
 * writer (desk, grace period expiry, supervisor, surge mode, administration, the open_load trigger) is covered; the
 * agents' state at migration time as their first row; and an index on conversations by arrival time.
 */
export class AgentStateTimeline1796060000000 implements MigrationInterface {
    name = 'AgentStateTimeline1796060000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "agent_state_changes" ("id" BIGSERIAL NOT NULL, "agent_id" uuid NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "presence" text NOT NULL, "busy" boolean NOT NULL, "duty_override" text, "active" boolean NOT NULL, CONSTRAINT "PK_4621ba3a69049abb86f7495de8a" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_agent_state_changes_at" ON "agent_state_changes"  ("at") `);
        await queryRunner.query(`CREATE INDEX "ix_agent_state_changes_agent_at" ON "agent_state_changes"  ("agent_id", "at") `);
        await queryRunner.query(`CREATE INDEX "ix_conversations_created_at" ON "conversations"  ("created_at") `);
        await queryRunner.query(`ALTER TABLE "agent_state_changes" ADD CONSTRAINT "FK_318c75522ed204cf21b0d3ceacc" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        // clock_timestamp(): a long transaction (a shift handover) records each change when it happened, in order.
        await queryRunner.query(`CREATE FUNCTION agents_record_state_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO agent_state_changes (agent_id, at, presence, busy, duty_override, active)
  VALUES (NEW.id, clock_timestamp(), NEW.presence, NEW.open_load > 0, NEW.duty_override, NEW.active);
  RETURN NULL;
END $$`);
        await queryRunner.query(`CREATE TRIGGER trg_agents_state_insert AFTER INSERT ON agents
            FOR EACH ROW EXECUTE FUNCTION agents_record_state_change()`);
        // The WHEN clause keeps the frequent load updates (each assignment and close) free unless 0 <-> 1+ changes.
        await queryRunner.query(`CREATE TRIGGER trg_agents_state_change AFTER UPDATE OF presence, duty_override, active, open_load ON agents
            FOR EACH ROW WHEN (OLD.presence IS DISTINCT FROM NEW.presence
                            OR OLD.duty_override IS DISTINCT FROM NEW.duty_override
                            OR OLD.active IS DISTINCT FROM NEW.active
                            OR (OLD.open_load > 0) IS DISTINCT FROM (NEW.open_load > 0))
            EXECUTE FUNCTION agents_record_state_change()`);
        await queryRunner.query(`INSERT INTO agent_state_changes (agent_id, at, presence, busy, duty_override, active)
            SELECT id, now(), presence, open_load > 0, duty_override, active FROM agents`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TRIGGER trg_agents_state_change ON agents`);
        await queryRunner.query(`DROP TRIGGER trg_agents_state_insert ON agents`);
        await queryRunner.query(`DROP FUNCTION agents_record_state_change()`);
        await queryRunner.query(`ALTER TABLE "agent_state_changes" DROP CONSTRAINT "FK_318c75522ed204cf21b0d3ceacc"`);
        await queryRunner.query(`DROP INDEX "public"."ix_conversations_created_at"`);
        await queryRunner.query(`DROP INDEX "public"."ix_agent_state_changes_agent_at"`);
        await queryRunner.query(`DROP INDEX "public"."ix_agent_state_changes_at"`);
        await queryRunner.query(`DROP TABLE "agent_state_changes"`);
    }
}

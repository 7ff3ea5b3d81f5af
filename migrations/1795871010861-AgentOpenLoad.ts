import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * agents.open_load: how many conversations each agent holds, kept exact by a trigger on conversations whoever
 * writes them, so that the routing decision reads loads without counting at 1,000 agents.
 */
export class AgentOpenLoad1795871010861 implements MigrationInterface {
    name = 'AgentOpenLoad1795871010861'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "agents" ADD "open_load" integer NOT NULL DEFAULT '0'`);
        await queryRunner.query(`UPDATE agents a SET open_load = (SELECT count(*) FROM conversations c WHERE c.assignee_id = a.id AND c.status = 'assigned')`);
        await queryRunner.query(`CREATE FUNCTION agents_open_load_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND OLD.status = 'assigned' AND OLD.assignee_id IS NOT NULL THEN
    UPDATE agents SET open_load = open_load - 1 WHERE id = OLD.assignee_id;
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.status = 'assigned' AND NEW.assignee_id IS NOT NULL THEN
    UPDATE agents SET open_load = open_load + 1 WHERE id = NEW.assignee_id;
  END IF;
  RETURN NULL;
END $$`);
        await queryRunner.query(`CREATE TRIGGER trg_conversations_open_load_write AFTER INSERT OR DELETE ON conversations
            FOR EACH ROW EXECUTE FUNCTION agents_open_load_sync()`);
        await queryRunner.query(`CREATE TRIGGER trg_conversations_open_load_change AFTER UPDATE OF status, assignee_id ON conversations
            FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.assignee_id IS DISTINCT FROM NEW.assignee_id)
            EXECUTE FUNCTION agents_open_load_sync()`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TRIGGER trg_conversations_open_load_change ON conversations`);
        await queryRunner.query(`DROP TRIGGER trg_conversations_open_load_write ON conversations`);
        await queryRunner.query(`DROP FUNCTION agents_open_load_sync()`);
        await queryRunner.query(`ALTER TABLE "agents" DROP COLUMN "open_load"`);
    }
}

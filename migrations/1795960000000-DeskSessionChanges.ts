import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Open desk sockets follow their session: whatever ends a session (logout, refresh-token reuse, password reset,
 * deactivation, a CSV import) or changes an agent's role or activity notifies `desk_session_changes` with the agent's
 * id. Every API process listens and checks that agent's sockets again at once. A trigger rather than a call in each
 * code path, so that no path that revokes a session can forget it; NOTIFY is sent at commit, never for a rollback.
 */
export class DeskSessionChanges1795960000000 implements MigrationInterface {
  name = 'DeskSessionChanges1795960000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE FUNCTION desk_session_changed() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_TABLE_NAME = 'agents' THEN
           PERFORM pg_notify('desk_session_changes', NEW.id::text);
         ELSE
           PERFORM pg_notify('desk_session_changes', NEW.agent_id::text);
         END IF;
         RETURN NULL;
       END $$`,
    );
    await queryRunner.query(
      `CREATE TRIGGER auth_sessions_revoked AFTER UPDATE OF revoked_at ON auth_sessions FOR EACH ROW
         WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL) EXECUTE FUNCTION desk_session_changed()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER agents_access_changed AFTER UPDATE OF role, active ON agents FOR EACH ROW
         WHEN (OLD.role IS DISTINCT FROM NEW.role OR OLD.active IS DISTINCT FROM NEW.active)
         EXECUTE FUNCTION desk_session_changed()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER agents_access_changed ON agents`);
    await queryRunner.query(`DROP TRIGGER auth_sessions_revoked ON auth_sessions`);
    await queryRunner.query(`DROP FUNCTION desk_session_changed()`);
  }
}

import { Client } from 'pg';
import { runMigrations } from '@brigade/database';
import { TEST_DATABASE_URL } from './test-env';

/**
 * A migrated database of its own (`<test database>_<name>`, recreated), for platforms started as separate
 * processes, whose data the in-process tests' resets must not touch. `base` names the server (and the name prefix):
 * the machine's test database by default, a throwaway cluster for the fault tests.
 */
export async function freshDatabase(name: string, base = TEST_DATABASE_URL): Promise<string> {
  const url = new URL(base);
  url.pathname = `/${url.pathname.slice(1)}_${name}`;
  const admin = new URL(base);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  const database = url.pathname.slice(1);
  await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await client.query(`CREATE DATABASE "${database}"`);
  await client.end();
  await runMigrations(url.toString());
  return url.toString();
}

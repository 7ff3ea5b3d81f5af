import 'reflect-metadata';
// Global setup runs outside Jest's module mapper: resolve the @brigade/* aliases from tsconfig.json.
import 'tsconfig-paths/register';
import { Client } from 'pg';
import { runMigrations } from '../../libs/database/src/migrations-runner';
import { TRACE_HANDLES, traceHandleCreation } from './open-handles';
import { TEST_DATABASE_URL } from './test-env';

/** Recreates the test database and applies the migrations once, as a deployment would. */
export default async function globalSetup(): Promise<void> {
  if (TRACE_HANDLES) traceHandleCreation();
  const target = new URL(TEST_DATABASE_URL);
  const name = target.pathname.slice(1);
  const admin = new URL(TEST_DATABASE_URL);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  await runMigrations(TEST_DATABASE_URL);
}

import 'reflect-metadata';
// Global setup runs outside Jest's module mapper: resolve the @brigade/* aliases from tsconfig.json.
import 'tsconfig-paths/register';
import { Client } from 'pg';
import { runMigrations } from '../../libs/database/src/migrations-runner';
import { TRACE_HANDLES, traceHandleCreation } from './open-handles';
import { TEST_RUN_DATABASE_URL, workerDatabaseUrl } from './test-env';
import { ensureWebAppsBuilt } from './web-build';

const nameOf = (url: string): string => new URL(url).pathname.slice(1);

/**
 * Recreates the run's database and applies the migrations once, as a deployment would, then gives every jest
 * worker its own copy (CREATE DATABASE ... TEMPLATE: a file copy, much faster than migrating again).
 */
export default async function globalSetup(globalConfig: { maxWorkers: number }): Promise<void> {
  if (TRACE_HANDLES) traceHandleCreation();
  ensureWebAppsBuilt();
  const admin = new URL(TEST_RUN_DATABASE_URL);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const run = nameOf(TEST_RUN_DATABASE_URL);
    await client.query(`DROP DATABASE IF EXISTS "${run}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${run}"`);
    await runMigrations(TEST_RUN_DATABASE_URL);
    const workers = Math.max(1, globalConfig.maxWorkers);
    for (let worker = 1; worker <= workers; worker += 1) {
      const copy = nameOf(workerDatabaseUrl(worker));
      await client.query(`DROP DATABASE IF EXISTS "${copy}" WITH (FORCE)`);
      await client.query(`CREATE DATABASE "${copy}" TEMPLATE "${run}"`);
    }
  } finally {
    await client.end();
  }
}

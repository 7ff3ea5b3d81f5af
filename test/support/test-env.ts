/**
 * Where the integration tests find PostgreSQL and Redis. The run's database (`TEST_DATABASE_URL`) is recreated and
 * migrated once by the global setup, then copied for each jest worker (`<name>_w<worker>`), so that test files
 * running side by side never reset each other's data. Redis is shared: every platform a test starts has its own
 * key prefix.
 */
export const TEST_RUN_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/brigade_test';

/** The copy of the run's database that belongs to a jest worker (1-based, as JEST_WORKER_ID). */
export function workerDatabaseUrl(worker: number | string, base = TEST_RUN_DATABASE_URL): string {
  const url = new URL(base);
  url.pathname = `/${url.pathname.slice(1)}_w${worker}`;
  return url.toString();
}

/** This test file's database: its worker's copy (the global setup, outside any worker, sees the run's database). */
export const TEST_DATABASE_URL = process.env.JEST_WORKER_ID ? workerDatabaseUrl(process.env.JEST_WORKER_ID) : TEST_RUN_DATABASE_URL;
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

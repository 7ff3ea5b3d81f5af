import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

/** Applies pending migrations in one transaction each; several processes starting at once wait on a lock. */
export async function runMigrations(url: string): Promise<string[]> {
  const dataSource = new DataSource({ ...dataSourceOptions(url, 2), migrationsTransactionMode: 'each' });
  await dataSource.initialize();
  try {
    await dataSource.query('SELECT pg_advisory_lock(727001)');
    const applied = await dataSource.runMigrations();
    await dataSource.query('SELECT pg_advisory_unlock(727001)');
    return applied.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}

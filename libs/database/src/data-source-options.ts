import type { DataSourceOptions } from 'typeorm';
import { join } from 'node:path';
import { ENTITIES } from './entities';

/** One definition for the app and the CLI: synchronize is off, the schema comes from reviewed migrations only. */
export function dataSourceOptions(url: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: [join(__dirname, '..', '..', '..', 'migrations', '*.{ts,js}')],
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    // gen_random_uuid() is built into PostgreSQL 13+: no extension to install.
    uuidExtension: 'pgcrypto',
    migrationsRun: false,
    extra: { max: poolSize },
  };
}

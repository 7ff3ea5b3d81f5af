import type { DataSourceOptions, Logger } from 'typeorm';
import { join } from 'node:path';
import { platformMetrics } from '@brigade/metrics';
import { onPreparedStatement } from '@brigade/persistence';
import { ENTITIES } from './entities';

/**
 * Counts the statements this process sends (brigade_db_statements_total, read by `npm run bench` for the statements
 * per message) and logs nothing, as TypeORM's default logger with logging off.
 */
class StatementCounter implements Logger {
  logQuery(): void {
    platformMetrics.dbStatements.inc();
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

onPreparedStatement(() => platformMetrics.dbStatements.inc());

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
    logger: new StatementCounter(),
  };
}

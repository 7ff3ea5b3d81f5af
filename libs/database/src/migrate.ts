import 'reflect-metadata';
import { loadConfig } from '@brigade/config';
import { runMigrations } from './migrations-runner';

/** `npm run migration:run`: applies pending migrations from the compiled build. */
runMigrations(loadConfig().database.url)
  .then((applied) => {
    console.log(applied.length ? `Applied migrations: ${applied.join(', ')}` : 'Database schema is up to date.');
  })
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });

export * from './data-source-options';
export * from './database.module';
export * from './entities';
export * from './migrations-runner';
export * from './preflight';

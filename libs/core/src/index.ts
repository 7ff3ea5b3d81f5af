export * from './core.module';
export * from './startup';

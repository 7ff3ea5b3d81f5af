export * from './inbox-entry.entity';

export * from './inbox-entry.entity';
export * from './quarantined-message.entity';

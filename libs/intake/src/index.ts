export * from './inbound-message';
export * from './delivery-relay';
export * from './inbox-entry.entity';
export * from './ingest-message.use-case';
export * from './intake.module';
export * from './intake.service';
export * from './inbox-writer';

export * from './fake-bot-connector';
export * from './loopback-http';
export * from './fake-graph-api';
export * from './fake-x-api';
export * from './webhook-signing';
export * from './loopback-smtp';
export * from './attachment-files';
export * from './loopback-s3';

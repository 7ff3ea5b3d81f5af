export * from './correlation';
export * from './job-producer';
export * from './queue-names';
export * from './queue.module';
export * from './queue-change-signal';

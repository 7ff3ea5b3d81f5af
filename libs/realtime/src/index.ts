export * from './events';
export * from './supervisor-views';
export * from './realtime-publisher';
export * from './realtime.module';
export * from './socket-stream-emitter';

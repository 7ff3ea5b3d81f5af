export * from './events';
export * from './realtime-publisher';
export * from './realtime.module';
export * from './socket-stream-emitter';

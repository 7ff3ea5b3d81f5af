export * from './metrics-access';
export * from './metrics-http-server';
export * from './metrics.module';
export * from './platform-metrics';
export * from './queue-metrics.collector';

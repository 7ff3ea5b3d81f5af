export * from './assignment-notifier';
export * from './queue-drainer';
export * from './queue-status.service';
export * from './rerouting.service';
export * from './routing-policy';
export * from './routing.module';
export * from './routing.service';

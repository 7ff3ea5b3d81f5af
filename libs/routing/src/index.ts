export * from './assignment-notifier';
export * from './routing-policy';
export * from './routing.module';
export * from './routing.service';

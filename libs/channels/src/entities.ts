export * from './delivery-attempt.entity';

export * from './assignment.entity';
export * from './conversation.entity';
export * from './message.entity';

export * from './assignment.entity';
export * from './canned-reply.entity';
export * from './conversation.entity';
export * from './message.entity';

export * from './assignment.entity';
export * from './citizen-session.service';
export * from './conversation.entity';
export * from './conversations.module';
export * from './conversations.service';
export * from './desk-views';
export * from './message.entity';

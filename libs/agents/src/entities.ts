export * from './auth-session.entity';
export * from './agent.entity';
export * from './shift.entity';

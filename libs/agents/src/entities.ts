export * from './agent.entity';
export * from './shift.entity';

export * from './agent.entity';
export * from './agents.module';
export * from './agents.service';
export * from './auth.service';
export * from './clock';
export * from './demo-seed';
export * from './shift.entity';
export * from './roster-time';

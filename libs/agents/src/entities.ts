export * from './auth-session.entity';
export * from './agent.entity';
export * from './shift.entity';
export * from './agent-identity.entity';
export * from './agent-mfa.entity';
export * from './auth-challenge.entity';
export * from './sso-session.entity';
export * from './agent-state-change.entity';

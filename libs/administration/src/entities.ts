export * from './channel-switch.entity';
export * from './password-reset-code.entity';
export * from './queue-definition.entity';

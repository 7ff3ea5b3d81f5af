export * from './channel-identity.entity';
export * from './contact.entity';

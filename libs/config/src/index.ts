export * from './app-config';
export * from './config.module';
export * from './redis-connection';
export * from './channels-config';
export * from './identity-config';
export * from './mail-config';
export * from './attachments-config';

export * from './channel-adapter';
export * from './channel-registry';
export * from './channels.module';
export * from './webchat/webchat.adapter';
export * from './deliver-reply.use-case';
export * from './webchat/webchat-sessions';
export * from './botframework';

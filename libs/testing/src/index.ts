export * from './fake-bot-connector';

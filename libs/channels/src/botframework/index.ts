export * from './botframework-activity';
export * from './botframework-credentials';
export * from './botframework-request-authenticator';
export * from './botframework.adapter';

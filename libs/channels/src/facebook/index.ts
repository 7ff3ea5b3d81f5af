export * from './facebook-graph.client';
export * from './facebook-profiles.service';
export * from './facebook-reply-window';
export * from './facebook-signature';
export * from './facebook-webhook.parser';
export * from './facebook-webhook.service';
export * from './facebook.adapter';

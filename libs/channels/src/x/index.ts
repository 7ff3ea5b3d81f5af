export * from './x-dm.client';
export * from './x-signature';
export * from './x-webhook.parser';
export * from './x-webhook.service';
export * from './x.adapter';

export * from './contact-form.service';
export * from './email-address';
export * from './email-inbound.service';
export * from './email-tokens';
export * from './email.adapter';
export * from './inbound-mail';

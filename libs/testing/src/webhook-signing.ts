import { createHmac } from 'node:crypto';

/** What Meta puts in X-Hub-Signature-256 for this exact body. */
export function metaWebhookSignature(rawBody: string | Buffer, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

/** What X puts in x-twitter-webhooks-signature for this exact body (base64, unlike Meta's hex). */
export function xWebhookSignature(rawBody: string | Buffer, consumerSecret: string): string {
  return `sha256=${createHmac('sha256', consumerSecret).update(rawBody).digest('base64')}`;
}

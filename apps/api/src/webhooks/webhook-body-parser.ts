import type { IncomingMessage, ServerResponse } from 'node:http';

/** The channel webhooks: signed over their raw bytes, and allowed their own body size. */
export const WEBHOOK_PATHS = ['/webhooks/facebook', '/webhooks/twitter'];

type WebhookRequest = IncomingMessage & { body?: unknown; rawBody?: Buffer };

function refuse(response: ServerResponse, statusCode: number, error: string, message: string): void {
  response.statusCode = statusCode;
  response.setHeader('content-type', 'application/json; charset=utf-8');
  response.end(JSON.stringify({ statusCode, error, message }));
}

/**
 * The body parser of the webhook routes, mounted before the global JSON parser (which then finds the request read
 * and leaves it alone): a body over the configured limit gets 413 without being kept past the limit, malformed JSON
 * 400, and the raw bytes stay as `rawBody` for the signature check. Its limit may be above or below the global 256 kB.
 */
export function webhookBodyParser(limitBytes: number) {
  const tooLarge = `webhook bodies are limited to ${limitBytes} bytes`;
  return (request: WebhookRequest, response: ServerResponse, next: (error?: unknown) => void): void => {
    if (request.method !== 'POST') return next();
    if (Number(request.headers['content-length'] ?? 0) > limitBytes) {
      request.resume();
      return refuse(response, 413, 'Payload Too Large', tooLarge);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    request.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > limitBytes) {
        refused = true;
        chunks.length = 0;
        refuse(response, 413, 'Payload Too Large', tooLarge);
        return;
      }
      chunks.push(chunk);
    });
    request.on('error', (error) => {
      if (!refused) next(error);
      refused = true;
    });
    request.on('end', () => {
      if (refused) return;
      const raw = Buffer.concat(chunks);
      // No body: nothing to verify, the webhook answers 400.
      if (raw.length === 0) return next();
      request.rawBody = raw;
      try {
        request.body = JSON.parse(raw.toString('utf8')) as unknown;
      } catch {
        return refuse(response, 400, 'Bad Request', 'expected a JSON body');
      }
      next();
    });
  };
}

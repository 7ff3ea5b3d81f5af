import { randomUUID } from 'node:crypto';

/**
 * Gives every request an id before anything answers it (static pages included): the caller's `x-request-id` when it
 * is reasonable (nginx sends its own), otherwise a new one; set on the request, where the logger takes it, and on the
 * response.
 */
export function requestId() {
  return (
    request: { headers: Record<string, string | string[] | undefined> },
    response: { setHeader(name: string, value: string): unknown },
    next: () => void,
  ): void => {
    const incoming = request.headers['x-request-id'];
    const id = typeof incoming === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(incoming) ? incoming : randomUUID();
    request.headers['x-request-id'] = id;
    response.setHeader('x-request-id', id);
    next();
  };
}

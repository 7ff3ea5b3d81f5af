import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AuthService } from '@brigade/agents';
import { JobProducer, QueueName } from '@brigade/queue';

export const QUEUE_BOARD_PATH = '/admin/queues';
const COOKIE = 'brigade_queue_board';

/**
 * Bull Board for administrators. The desk's access token is accepted as a bearer header, or once in
 * `?token=` (a browser cannot set headers on a page load): it is then moved to an HttpOnly cookie limited to
 * this path, which lives no longer than the token itself (JWT_ACCESS_TTL_SECONDS).
 */
export function mountQueueBoard(app: NestExpressApplication, secureCookie: boolean): void {
  const producer = app.get(JobProducer);
  const auth = app.get(AuthService);
  const serverAdapter = new ExpressAdapter().setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: Object.values(QueueName).map((name) => new BullMQAdapter(producer.queue(name))),
    // @bull-board/express ships its own copy of @bull-board/api's types; the runtime contract is the same.
    serverAdapter: serverAdapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
  });
  app.use(QUEUE_BOARD_PATH, adminOnly(auth, secureCookie), serverAdapter.getRouter());
}

function adminOnly(auth: AuthService, secureCookie: boolean) {
  return (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void): void => {
    const header = request.headers.authorization;
    const fromQuery = new URL(request.url ?? '/', 'http://local').searchParams.get('token');
    const token =
      (typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : null) ??
      fromQuery ??
      readCookie(request.headers.cookie, COOKIE);
    auth
      .verifyAccessToken(token)
      .then((principal) => {
        if (!principal || principal.role !== 'admin') {
          response.writeHead(principal ? 403 : 401, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ message: 'Réservé aux administrateurs' }));
          return;
        }
        if (fromQuery) {
          // Move the token to a cookie and drop it from the address bar and the history.
          response.writeHead(303, {
            location: QUEUE_BOARD_PATH + '/',
            'set-cookie': `${COOKIE}=${encodeURIComponent(fromQuery)}; Path=${QUEUE_BOARD_PATH}; HttpOnly; SameSite=Strict${secureCookie ? '; Secure' : ''}`,
          });
          response.end();
          return;
        }
        next();
      })
      .catch(next);
  };
}

function readCookie(header: string | undefined, name: string): string | null {
  for (const part of header?.split(';') ?? []) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return null;
}

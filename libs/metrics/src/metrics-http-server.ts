import { Server, createServer } from 'node:http';
import { mayReadMetrics } from './metrics-access';
import { metricsRegistry } from './platform-metrics';

/**
 * A process without an HTTP server (the worker) exposes its metrics on a port of its own; nothing else is
 * served there.
 */
export async function startMetricsHttpServer(port: number, host: string, token: string): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    if (!mayReadMetrics(token, request.socket.remoteAddress, request.headers)) {
      response.writeHead(403).end();
      return;
    }
    metricsRegistry
      .metrics()
      .then((body) => response.writeHead(200, { 'content-type': metricsRegistry.contentType }).end(body))
      .catch(() => response.writeHead(500).end());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

import { ValidationPipe } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from 'nestjs-pino';
import { AppConfig } from '@brigade/config';
import { DomainErrorFilter } from './domain-error.filter';
import { jsonBodyGuard } from './json-body-guard';
import { requestId } from './request-id';
import { mountQueueBoard } from './metrics/queue-board';
import { publishApiDocument } from './openapi/api-document';
import { RedisStreamsIoAdapter } from './redis-streams-io.adapter';
import { frenchValidationException } from './validation-messages';
import { WEBHOOK_PATHS, webhookBodyParser } from './webhooks/webhook-body-parser';

/** Finds a folder of the repository from the sources (tests) or from the compiled app in dist. */
function repositoryPath(...segments: string[]): string {
  const fromSources = join(__dirname, '..', '..', '..', ...segments);
  const fromDist = join(__dirname, '..', '..', '..', '..', ...segments);
  return existsSync(fromSources) ? fromSources : fromDist;
}

/** Everything an API app needs besides its modules; the entry points and the tests share it. */
export function configureApp(app: NestExpressApplication, config: AppConfig): void {
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  app.disable('x-powered-by');
  // Only the configured reverse proxies may tell the client's address (X-Forwarded-For): TRUST_PROXY.
  app.set('trust proxy', config.http.trustProxy);
  // First, so that static pages and the API alike answer with the request id the logs carry (pino-http reuses it).
  app.use(requestId());
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'", 'ws:', 'wss:'],
          frameAncestors: ["'none'"],
        },
      },
    }),
  );
  // First: the webhooks' own limit (WEBHOOK_BODY_LIMIT_BYTES) must not be capped by the global one.
  app.use(WEBHOOK_PATHS, webhookBodyParser(config.channels.webhookBodyLimitBytes));
  app.useBodyParser('json', { limit: '256kb' });
  app.use(jsonBodyGuard(WEBHOOK_PATHS));
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, exceptionFactory: frenchValidationException }));
  // The libs throw domain errors (libs/errors); REST answers them here, the socket gateways in socket-ack.ts.
  app.useGlobalFilters(new DomainErrorFilter(app.getHttpAdapter()));
  const origins = config.webchat.allowedOrigins;
  app.enableCors({ origin: origins.includes('*') ? true : origins });
  const maxAge = config.env === 'production' ? '1h' : 0;
  // The widget's script, design-system styles, fonts and icons are loaded by other websites (the allowed origins):
  // helmet's default Cross-Origin-Resource-Policy (same-origin) would make browsers refuse them there.
  app.use('/widget', (_request: unknown, response: { setHeader(name: string, value: string): void }, next: () => void) => {
    response.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    next();
  });
  // Built browser apps (desk, widget) from `npm run build:web`, then the plain pages of apps/api/public.
  app.useStaticAssets(repositoryPath('dist', 'web'), { index: 'index.html', maxAge });
  app.useStaticAssets(repositoryPath('apps', 'api', 'public'), { index: 'index.html', maxAge });
  app.useWebSocketAdapter(new RedisStreamsIoAdapter(app, config));
  mountQueueBoard(app, config.env === 'production');
  publishApiDocument(app);
}

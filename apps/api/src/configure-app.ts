import { ValidationPipe } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from 'nestjs-pino';
import { AppConfig } from '@brigade/config';
import { mountQueueBoard } from './metrics/queue-board';
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
  app.set('trust proxy', 'loopback');
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
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, exceptionFactory: frenchValidationException }));
  const origins = config.webchat.allowedOrigins;
  app.enableCors({ origin: origins.includes('*') ? true : origins });
  const maxAge = config.env === 'production' ? '1h' : 0;
  // Built browser apps (desk, widget) from `npm run build:web`, then the plain pages of apps/api/public.
  app.useStaticAssets(repositoryPath('dist', 'web'), { index: 'index.html', maxAge });
  app.useStaticAssets(repositoryPath('apps', 'api', 'public'), { index: 'index.html', maxAge });
  app.useWebSocketAdapter(new RedisStreamsIoAdapter(app, config));
  mountQueueBoard(app, config.env === 'production');
  publishApiDocument(app);
}

/** The OpenAPI description of every REST route, at /api/docs (UI) and /api/docs-json (document). */
function publishApiDocument(app: NestExpressApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Brigade API')
      .setDescription('REST API of the agent desk, supervisor console and administration. Socket.io events: docs/realtime.md.')
      .addBearerAuth()
      .addSecurityRequirements('bearer')
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}

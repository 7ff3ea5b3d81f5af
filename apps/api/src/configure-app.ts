import { ValidationPipe } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from 'nestjs-pino';
import { AppConfig } from '@brigade/config';
import { RedisStreamsIoAdapter } from './redis-streams-io.adapter';

/** The public pages live beside the sources; the compiled app finds them from dist too. */
function publicDirectory(): string {
  const candidates = [join(__dirname, '..', 'public'), join(__dirname, '..', '..', '..', '..', 'apps', 'api', 'public')];
  return candidates.find((candidate) => existsSync(candidate)) ?? candidates[0];
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
  app.useBodyParser('json', { limit: '256kb' });
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  const origins = config.webchat.allowedOrigins;
  app.enableCors({ origin: origins.includes('*') ? true : origins });
  app.useStaticAssets(publicDirectory(), { index: 'index.html', maxAge: config.env === 'production' ? '1h' : 0 });
  app.useWebSocketAdapter(new RedisStreamsIoAdapter(app, config));
}

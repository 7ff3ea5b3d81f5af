import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig, ConfigModule } from '@brigade/config';
import { DatabaseModule } from '@brigade/database';
import { QueueModule, correlation } from '@brigade/queue';

/** What every process needs: validated config, JSON logs, PostgreSQL and the queues. */
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            // Every line written while serving a webhook, a socket event or a job names the work it belongs to.
            mixin: () => {
              const correlationId = correlation.current();
              return correlationId ? { correlationId } : {};
            },
            // A fault (see the API's exception filter, which hands it over as `res.err`) is an error, not "info".
            customLogLevel: (_request, response, error) => (error || response.statusCode >= 500 ? 'error' : 'info'),
            autoLogging: { ignore: (request) => request.url?.startsWith('/health') ?? false },
            redact: ['req.headers.authorization', 'req.headers.cookie'],
            genReqId: (request, response) => {
              const incoming = request.headers['x-request-id'];
              const id = typeof incoming === 'string' && incoming.length <= 128 ? incoming : crypto.randomUUID();
              response.setHeader('x-request-id', id);
              return id;
            },
          },
        }),
        DatabaseModule,
        QueueModule,
      ],
      exports: [ConfigModule, DatabaseModule, QueueModule],
    };
  }
}

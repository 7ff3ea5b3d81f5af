import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { loadConfig } from '@brigade/config';
import { CoreModule, exitOnStartupFailure } from '@brigade/core';
import { startMetricsHttpServer } from '@brigade/metrics';
import { WorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  @Module({ imports: [CoreModule.forRoot(config), WorkerModule] })
  class WorkerRootModule {}
  const app = await NestFactory.createApplicationContext(WorkerRootModule, { bufferLogs: true });
  const logger = app.get(Logger);
  app.useLogger(logger);
  // On SIGTERM the queue workers stop taking jobs and the ones in flight finish before connections close.
  app.enableShutdownHooks();
  if (config.metrics.port > 0) {
    const metrics = await startMetricsHttpServer(config.metrics.port, config.http.host, config.metrics.token);
    process.once('SIGTERM', () => metrics.close());
    process.once('SIGINT', () => metrics.close());
  }
  logger.log('Brigade worker started');
}

bootstrap().catch(exitOnStartupFailure);

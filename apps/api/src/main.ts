import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig } from '@brigade/config';
import { CoreModule, exitOnStartupFailure } from '@brigade/core';
import { ApiModule } from './api.module';
import { configureApp } from './configure-app';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  @Module({ imports: [CoreModule.forRoot(config), ApiModule] })
  class ApiRootModule {}
  const app = await NestFactory.create<NestExpressApplication>(ApiRootModule, { bufferLogs: true, rawBody: true });
  configureApp(app, config);
  await app.listen(config.http.port, config.http.host);
  console.log(`Brigade API listening on http://${config.http.host}:${config.http.port}`);
}

bootstrap().catch(exitOnStartupFailure);

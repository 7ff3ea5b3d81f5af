import { Module } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppConfig, loadConfig } from '@brigade/config';
import { CoreModule } from '@brigade/core';
import { ApiModule } from '../../apps/api/src/api.module';
import { configureApp } from '../../apps/api/src/configure-app';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { openPlatforms } from './open-platforms';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from './test-env';

export interface TestPlatform {
  app: NestExpressApplication;
  url: string;
  config: AppConfig;
  dataSource: DataSource;
  close(): Promise<void>;
}

export type PlatformRole = 'api' | 'worker' | 'all';

/**
 * Boots the real platform (API and worker in one process unless asked otherwise) on a random loopback port,
 * with its own queue prefix so that test files never take each other's jobs.
 */
export function startPlatform(env: Record<string, string> = {}, role: PlatformRole = 'all'): Promise<TestPlatform> {
  const starting = bootPlatform(env, role);
  const tracked = starting.then(
    (platform) => platform,
    () => null,
  );
  openPlatforms.add(tracked);
  return starting.then((platform) => ({
    ...platform,
    close: async () => {
      openPlatforms.delete(tracked);
      await platform.close();
    },
  }));
}

async function bootPlatform(env: Record<string, string>, role: PlatformRole): Promise<TestPlatform> {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: TEST_DATABASE_URL,
    DATABASE_POOL_SIZE: '10',
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: `test-${randomUUID().slice(0, 8)}`,
    LOG_LEVEL: 'warn',
    ROUTING_TICK_MS: '500',
    RELAY_INTERVAL_MS: '500',
    RELAY_GRACE_MS: '1000',
    ...env,
  });
  const features = role === 'api' ? [ApiModule] : role === 'worker' ? [WorkerModule] : [ApiModule, WorkerModule];
  @Module({ imports: [CoreModule.forRoot(config), ...features] })
  class TestRootModule {}
  const moduleRef = await Test.createTestingModule({ imports: [TestRootModule] }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ rawBody: true, bufferLogs: true });
  configureApp(app, config);
  // A test may fix the port (PORT) when the platform's address must be known before it starts (SSO callback).
  await app.listen(env.PORT ? Number(env.PORT) : 0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return {
    app,
    url,
    config,
    dataSource: app.get<DataSource>(getDataSourceToken()),
    close: () => app.close(),
  };
}

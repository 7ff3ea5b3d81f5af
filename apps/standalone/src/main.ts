import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DEMO_ACCOUNTS, seedDemo } from '@brigade/agents';
import { loadConfig } from '@brigade/config';
import { CoreModule, exitOnStartupFailure } from '@brigade/core';
import { checkBackingServices, ensureDatabaseExists, runMigrations } from '@brigade/database';
import { KnowledgeBaseService, readSeedArticles } from '@brigade/knowledge-base';
import { ApiModule } from '../../api/src/api.module';
import { configureApp } from '../../api/src/configure-app';
import { WorkerModule } from '../../worker/src/worker.module';

/** The whole platform in one process, for the demo and small sites: checks, migrates, seeds, serves. */
async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const problems = await checkBackingServices(config);
  if (problems.some((problem) => problem.startsWith('PostgreSQL')) && problems.length === 1) {
    // A reachable server without our database yet: create it, then check again.
    await ensureDatabaseExists(config.database.url).catch(() => undefined);
  }
  const remaining = await checkBackingServices(config);
  if (remaining.length > 0) {
    console.error(`Brigade cannot start:\n  ${remaining.join('\n  ')}`);
    process.exit(1);
  }
  const applied = await runMigrations(config.database.url);
  if (applied.length) console.log(`Applied migrations: ${applied.join(', ')}`);

  @Module({ imports: [CoreModule.forRoot(config), ApiModule, WorkerModule] })
  class StandaloneRootModule {}
  const app = await NestFactory.create<NestExpressApplication>(StandaloneRootModule, { bufferLogs: true, rawBody: true });
  configureApp(app, config);

  if (config.demo.seed) {
    const created = await seedDemo(app.get<DataSource>(getDataSourceToken()), config.demo.password);
    const accounts = created.length ? created : DEMO_ACCOUNTS;
    console.log(
      `\nDemo accounts (password "${config.demo.password}"):\n` +
        accounts.map((account) => `  ${account.login.padEnd(20)} ${account.role.padEnd(11)} ${account.displayName}`).join('\n'),
    );
    // The knowledge base the desk and the assistant live on: the seed articles (unchanged ones are left alone).
    const articles = await app.get(KnowledgeBaseService).import(null, 'markdown', readSeedArticles(), false);
    console.log(`Knowledge base: ${articles.created} articles created, ${articles.updated} updated, ${articles.unchanged} unchanged.`);
  }
  await app.listen(config.http.port, config.http.host);
  const url = `http://${config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host}:${config.http.port}`;
  console.log(`\nBrigade is running: web chat ${url}/  ·  agent desk ${url}/desk/\n`);
}

bootstrap().catch(exitOnStartupFailure);

import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { AuditService } from '@brigade/audit';
import { loadConfig } from '@brigade/config';
import { KnowledgeBaseService, readSeedArticles } from '@brigade/knowledge-base';
import { dataSourceOptions } from './data-source-options';

/**
 * `npm run kb:seed`: imports the articles written for this project (French and English) into the configured
 * database, as the demo does at start. Articles already there with the same content are left alone; an article changed
 * since is updated to the seed's text (a new version, so nothing is lost).
 */
async function main(): Promise<void> {
  const dataSource = new DataSource(dataSourceOptions(loadConfig().database.url, 2));
  await dataSource.initialize();
  try {
    const report = await new KnowledgeBaseService(dataSource, new AuditService(dataSource)).import(null, 'markdown', readSeedArticles(), process.argv.includes('--dry-run'));
    console.log(JSON.stringify({ ...report, errors: report.errors.length }, null, 2));
    if (report.errors.length > 0) {
      console.error(report.errors);
      process.exitCode = 1;
    }
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

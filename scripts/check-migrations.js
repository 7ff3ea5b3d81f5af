// Fails when the entities and the committed migrations disagree: applies every migration to a scratch
// database, then asks TypeORM whether it would generate anything more.
const { execFileSync } = require('node:child_process');
const { Client } = require('pg');

const base = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/brigade_test';
const scratch = new URL(base);
scratch.pathname = `${scratch.pathname}_schema_check`;
const admin = new URL(base);
admin.pathname = '/postgres';

function typeorm(...args) {
  execFileSync(
    process.execPath,
    ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', require.resolve('typeorm/cli.js'), ...args],
    { stdio: 'inherit', env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', DATABASE_URL: scratch.toString() } },
  );
}

async function main() {
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  const name = scratch.pathname.slice(1);
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await client.query(`CREATE DATABASE "${name}"`);
  try {
    typeorm('migration:run', '-d', 'libs/database/src/data-source.ts');
    typeorm('migration:generate', '--check', '-d', 'libs/database/src/data-source.ts', 'migrations/Unexpected');
    console.log('Migrations match the entities.');
  } finally {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.end();
  }
}

main().catch((error) => {
  console.error(error.message ?? error);
  process.exit(1);
});

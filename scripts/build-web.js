// Builds every browser app (apps/<name>/vite.config.mts) into dist/web/<name>, served by the API process.
const { execFileSync } = require('node:child_process');
const { existsSync, readdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
for (const app of readdirSync(join(root, 'apps'))) {
  const config = join(root, 'apps', app, 'vite.config.mts');
  if (!existsSync(config)) continue;
  console.log(`Building web app "${app}"`);
  execFileSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', config, '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
}
// The integration tests rebuild only when a source is newer than this mark.
writeFileSync(join(root, 'dist', 'web', '.built'), `${new Date().toISOString()}\n`);

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
/** Written by scripts/build-web.js once every web app is built. */
export const WEB_BUILD_STAMP = join(ROOT, 'dist', 'web', '.built');

/** What the web bundles are made from: the apps' web sources and configs, and the libs they import types and parsers from. */
const SOURCE_ROOTS = [
  ...readdirSync(join(ROOT, 'apps')).flatMap((app) => [join(ROOT, 'apps', app, 'web'), join(ROOT, 'apps', app, 'vite.config.mts')]),
  join(ROOT, 'libs'),
];

function newestModification(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => (name === 'node_modules' ? newest : Math.max(newest, newestModification(join(path, name)))), 0);
}

/**
 * Builds the desk and the widget (dist/web, served by the API) when they are missing or older than their sources, so
 * that no browser test runs a stale bundle. Called once by the integration tests' global setup, before any worker
 * starts: a build inside a test file would empty dist/web under the feet of a browser test running beside it.
 */
export function ensureWebAppsBuilt(): void {
  const builtAt = existsSync(WEB_BUILD_STAMP) ? statSync(WEB_BUILD_STAMP).mtimeMs : 0;
  if (builtAt > 0 && Math.max(...SOURCE_ROOTS.map(newestModification)) <= builtAt) return;
  // Jest sets NODE_ENV=test, which would make Vite bundle React's development build.
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-web.js')], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
}

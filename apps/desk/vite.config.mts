// Builds the agent desk and supervisor console (React) into dist/web/desk; the API serves it at /desk/.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('./web'),
  base: '/desk/',
  publicDir: false,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: here('../../dist/web/desk'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
});

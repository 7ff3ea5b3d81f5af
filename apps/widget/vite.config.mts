// Builds the citizen chat widget as one self-contained script (socket.io-client included) into dist/web/widget,
// which the API serves at /widget/brigade-widget.js, with the full-page chat at /widget/index.html.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('./web'),
  publicDir: here('./web/public'),
  logLevel: 'warn',
  build: {
    outDir: here('../../dist/web/widget'),
    emptyOutDir: true,
    target: 'es2019',
    sourcemap: true,
    lib: {
      entry: here('./web/src/main.ts'),
      name: 'BrigadeWidget',
      formats: ['iife'],
      fileName: () => 'brigade-widget.js',
    },
  },
});

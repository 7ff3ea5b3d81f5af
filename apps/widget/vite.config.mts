// Builds the citizen chat widget as one self-contained script (socket.io-client included) into dist/web/widget,
// which the API serves at /widget/brigade-widget.js, with the full-page chat at /widget/index.html.
// The French State design system (DSFR) goes beside it in dist/web/widget/dsfr/, served by the platform (no CDN).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const dsfrDist = join(dirname(createRequire(import.meta.url).resolve('@gouvfr/dsfr/package.json')), 'dist');

/** Only the parts of the DSFR the widget's markup uses: the rest of the design system stays out of the download. */
const DSFR_PARTS = [
  'core/core.main.min.css',
  'component/button/button.main.min.css',
  'component/input/input.main.min.css',
  'component/select/select.main.min.css',
  'component/link/link.main.min.css',
  'component/logo/logo.main.min.css',
  // The dark palette's values (the DSFR's `:root[data-fr-theme=dark]`): see darkWhenAsked.
  'scheme/scheme.min.css',
];
/** Icons the widget's own styles draw (mask images), besides those the DSFR parts reference. */
const WIDGET_ICONS = [
  'communication/chat-3-line.svg',
  'system/close-line.svg', 'system/logout-box-r-line.svg', 'business/send-plane-fill.svg', 'arrows/arrow-down-s-line.svg'];

const DARK = '[data-fr-theme=dark]';

/**
 * The DSFR switches to its dark palette when its script sets `data-fr-theme="dark"` on the page's root. The widget
 * runs no DSFR script and must not touch the host page: its dark rules apply instead when the citizen's device asks
 * for a dark scheme (`prefers-color-scheme`), on the widget's shadow host. A rule listing dark and light selectors
 * together (the logo's forced-colours rule) is split in two.
 */
export function darkWhenAsked(css: string): string {
  return css.replace(/([^{}]*)\{([^{}]*)\}/g, (rule, selectorList: string, body: string) => {
    if (!selectorList.includes(DARK)) return rule;
    const selectors = selectorList.split(',');
    const light = selectors.filter((selector) => !selector.includes(DARK));
    const dark = selectors.map((selector) => selector.trim()).filter((selector) => selector.includes(DARK))
      .map((selector) => selector.replace(`:root${DARK}`, ':host').replace(DARK, ':host'));
    const darkRule = `@media (prefers-color-scheme:dark){${dark.join(',')}{${body}}}`;
    return light.length > 0 ? `${light.join(',')}{${body}}${darkRule}` : darkRule;
  });
}

/**
 * Emits dsfr/widget.css (the DSFR parts, for the widget's shadow root: `:root` becomes `:host`), dsfr/fonts.css
 * (the @font-face rules, which browsers only honour in the page's document), the Marianne fonts and the icons used.
 */
function dsfrAssets(): Plugin {
  return {
    name: 'brigade-widget-dsfr',
    apply: 'build',
    generateBundle() {
      const assets = new Set<string>();
      const css = DSFR_PARTS.map((part) => {
        const folder = posix.dirname(part);
        // Every url() is rewritten relative to dsfr/ and its file copied there.
        return readFileSync(join(dsfrDist, part), 'utf8').replace(/url\(([^)]+)\)/g, (match, raw: string) => {
          if (raw.replace(/["']/g, '').startsWith('data:')) return match;
          const target = posix.normalize(posix.join(folder, raw.replace(/["']/g, '')));
          assets.add(target);
          return `url(${target})`;
        });
      }).join('\n');
      const fontFaces = css.match(/@font-face\{[^}]*\}/g) ?? [];
      // The licence banner is kept once, at the top; other comments would read as selectors to darkWhenAsked.
      const banner = /\/\*![\s\S]*?\*\//.exec(css)?.[0] ?? '';
      const rules = css.replace(/\/\*[\s\S]*?\*\//g, '').replace(/@font-face\{[^}]*\}/g, '');
      const widgetCss = `${banner}\n${darkWhenAsked(rules).replace(/:root/g, ':host')}`;
      WIDGET_ICONS.forEach((icon) => assets.add(`icons/${icon}`));
      this.emitFile({ type: 'asset', fileName: 'dsfr/widget.css', source: widgetCss });
      this.emitFile({ type: 'asset', fileName: 'dsfr/fonts.css', source: fontFaces.join('\n') });
      for (const asset of assets) {
        this.emitFile({ type: 'asset', fileName: `dsfr/${asset}`, source: readFileSync(join(dsfrDist, asset)) });
      }
    },
  };
}

export default defineConfig({
  root: here('./web'),
  publicDir: here('./web/public'),
  logLevel: 'warn',
  plugins: [dsfrAssets()],
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

/**
 * Entry point of the embeddable citizen chat. One script tag on any page:
 *   <script src="https://chat.example.fr/widget/brigade-widget.js" defer
 *           data-server="https://chat.example.fr" data-exit-url="https://www.google.fr/"></script>
 * Optional attributes: data-mode="page" (full page instead of a floating button), data-container (CSS selector of
 * the element to fill in page mode), data-mode="contact" (the "Laisser un message" form alone), data-lang="en" (fr, en, de, it, es; else the browser's languages), data-privacy-url,
 * data-max-length.
 */
import { ChatClient } from './chat-client';
import { startContactPage } from './contact-page';
import { browserLanguage, isLanguage } from './i18n';
import { readStored } from './storage';
import { WidgetView } from './widget-view';

const DEFAULT_EXIT_URL = 'https://www.google.fr/';
const DEFAULT_MAX_LENGTH = 2000;

function start(script: HTMLScriptElement | null): void {
  const data = script?.dataset ?? {};
  const scriptOrigin = script?.src ? new URL(script.src, window.location.href).origin : window.location.origin;
  const server = data.server || scriptOrigin;
  const mode = data.mode === 'page' ? 'page' : 'floating';
  const stored = readStored();
  // The citizen's own choice, else the page's setting, else the browser's languages.
  const language = stored.language ?? (isLanguage(data.lang) ? data.lang : browserLanguage(navigator.languages ?? []));
  if (data.mode === 'contact') {
    const host = document.createElement('div');
    host.id = 'brigade-contact';
    const container = data.container ? document.querySelector(data.container) : null;
    (container ?? document.body).append(host);
    // A link sent to a waiting citizen (surge mode's offer) names their language: `/contact/?lang=de`.
    const linked = new URLSearchParams(window.location.search).get('lang');
    startContactPage(host, { server, language: isLanguage(linked) ? linked : language });
    return;
  }
  const maxLength = Number(data.maxLength);

  const host = document.createElement('div');
  host.id = 'brigade-widget';
  const container = mode === 'page' && data.container ? document.querySelector(data.container) : null;
  (container ?? document.body).append(host);

  const client = new ChatClient({
    server,
    maxMessageLength: Number.isInteger(maxLength) && maxLength > 0 ? maxLength : DEFAULT_MAX_LENGTH,
  });
  new WidgetView(host, client, {
    mode,
    exitUrl: safeExitUrl(data.exitUrl),
    privacyUrl: data.privacyUrl,
    language,
    server,
    // The design system's files sit beside the script (dist/web/widget/dsfr/), served by the platform.
    assetBase: script?.src ? new URL('./', script.src).href : `${server}/widget/`,
  });
}

/** Only an http(s) address may receive the citizen on quick exit; anything else falls back to the default. */
function safeExitUrl(value: string | undefined): string {
  if (!value) return DEFAULT_EXIT_URL;
  try {
    const url = new URL(value, window.location.href);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : DEFAULT_EXIT_URL;
  } catch {
    return DEFAULT_EXIT_URL;
  }
}

// currentScript is only set while this script runs; read it now, start once the page is parsed.
const script = document.currentScript as HTMLScriptElement | null;
if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', () => start(script), { once: true });
} else {
  start(script);
}

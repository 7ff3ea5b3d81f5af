import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium } from 'playwright-core';

/** Debian's Chromium (scripts/ensure-chromium.sh installs it); Playwright never downloads a browser here. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags that keep a headless Chromium quiet and offline apart from the pages a test opens. */
export const CHROMIUM_ARGS = [
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches a headless Chromium for a browser test; the caller closes it in afterAll. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is missing at ${CHROMIUM_PATH}: run scripts/ensure-chromium.sh (npm test does it in pretest)`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/** Where screenshots and other browser-test outputs go (git-ignored); created on first use. */
export function artifactPath(fileName: string): string {
  const folder = join(__dirname, '..', '..', 'test-artifacts');
  mkdirSync(folder, { recursive: true });
  return join(folder, fileName);
}

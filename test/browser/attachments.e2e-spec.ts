import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { jpegWithGpsExif, svgDisguisedAsJpeg } from '@brigade/testing';
import { artifactPath, launchBrowser } from '../support/browser';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';


/** Polls a locator's text until it satisfies the predicate (the page updates live; no fixed sleeps). */
async function waitForText(locator: Locator, predicate: (text: string) => boolean, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    last = ((await locator.count()) > 0 ? await locator.first().textContent() : null) ?? '';
    if (predicate(last)) return last;
    if (Date.now() > deadline) throw new Error(`text never matched; last: "${last}"`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('a photo from the widget, shown on the desk as a thumbnail and opened (Chromium)', () => {
  let platform: TestPlatform;
  let browser: Browser;
  let directory: string;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'brigade-attachments-browser-'));
    platform = await startPlatform({ ATTACHMENTS_DIR: directory });
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
    await browser?.close();
    await platform?.close();
    await rm(directory, { recursive: true, force: true });
  });
  beforeEach(() => resetDatabase(platform.dataSource));

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'fr-FR' });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.stack ?? error.message));
    return page;
  }

  it('the citizen attaches a photo (a disguised file refused in French), the gendarme sees its thumbnail and opens it', async () => {
    // The gendarme, on duty and available on the desk.
    const agent = await createAgent(platform.dataSource);
    const desk = await newPage();
    await desk.goto(`${platform.url}/desk/`);
    await desk.getByLabel('Identifiant').fill(agent.login);
    await desk.getByLabel('Mot de passe').fill(TEST_PASSWORD);
    await desk.getByRole('button', { name: 'Se connecter' }).click();
    await waitForText(desk.getByTestId('connection'), (text) => text === 'Connecté');
    const fileResponses: { url: string; status: number }[] = [];
    desk.on('response', (response) => {
      if (response.url().includes('/api/attachments/')) fileResponses.push({ url: response.url(), status: response.status() });
    });
    await desk.getByLabel('Présence').selectOption('available');
    await waitForText(desk.getByTestId('duty'), (text) => text === 'En service');

    // The citizen opens the widget and chooses a file that is an SVG named .jpg: refused, in French, nothing sent.
    const widget = await newPage();
    await widget.goto(`${platform.url}/`);
    await widget.getByRole('button', { name: 'Contacter un gendarme' }).click();
    await widget.getByLabel('Votre message').waitFor();
    const attach = widget.getByRole('button', { name: 'Joindre une photo ou un PDF' });
    expect(await attach.isVisible()).toBe(true);
    const input = widget.getByTestId('file-input');
    await input.setInputFiles({ name: 'photo.jpg', mimeType: 'image/jpeg', buffer: svgDisguisedAsJpeg() });
    await widget.getByLabel('Votre message').fill('Voici la photo');
    await widget.getByLabel('Votre message').press('Enter');
    const error = widget.locator('#brigade-widget .composer .error');
    await waitForText(error, (text) => text.includes('n’est pas accepté'));
    expect(await widget.locator('#brigade-widget li.message--citizen').count()).toBe(0);
    // The same refusal in the citizen's language once they switch to English, then back to French.
    await widget.getByRole('combobox', { name: 'Langue' }).selectOption('en');
    await widget.getByRole('button', { name: 'Attach a photo or a PDF' }).waitFor();
    await widget.getByLabel('Your message').press('Enter');
    await waitForText(error, (text) => text.includes('This type of file is not accepted'));
    await widget.screenshot({ path: artifactPath('attachments-widget-refused-en.png') });
    await widget.getByRole('combobox', { name: 'Language' }).selectOption('fr');
    expect(await widget.locator('#brigade-widget li.message--citizen').count()).toBe(0);

    // The right photo instead: previewed before sending, then sent with the text.
    await widget.getByRole('button', { name: 'Retirer photo.jpg' }).click();
    expect(await widget.getByTestId('chosen-file').count()).toBe(0);
    await input.setInputFiles({ name: 'voiture.jpg', mimeType: 'image/jpeg', buffer: await jpegWithGpsExif() });
    await widget.getByTestId('chosen-file').locator('img').waitFor();
    await widget.screenshot({ path: artifactPath('attachments-widget-preview.png') });
    await widget.getByLabel('Votre message').press('Enter');
    const sent = widget.locator('#brigade-widget li.message--citizen');
    await waitForText(sent, (text) => text.includes('Voici la photo') && text.includes('voiture.jpg'));
    expect(await widget.getByTestId('chosen-file').count()).toBe(0);
    expect(await error.textContent()).toBe('');
    await widget.screenshot({ path: artifactPath('attachments-widget-sent.png') });

    // The desk: the conversation arrives, its photo as a thumbnail that loads from the platform.
    await desk.locator('.conversation-item').first().waitFor({ timeout: 30_000 });
    await desk.locator('.conversation-item').first().click();
    const thumbnail = desk.getByTestId('attachment-thumbnail');
    await thumbnail.waitFor({ timeout: 30_000 });
    await waitForText(desk.locator('li.message.citizen'), (text) => text.includes('Voici la photo'));
    const loaded = () =>
      thumbnail.evaluate((image) => {
        const { complete, naturalWidth } = image as unknown as { complete: boolean; naturalWidth: number };
        return complete ? naturalWidth : 0;
      });
    const deadline = Date.now() + 30_000;
    while (!(await loaded())) {
      if (Date.now() > deadline) {
        await desk.screenshot({ path: artifactPath('attachments-desk-thumbnail-failed.png') });
        throw new Error(`the thumbnail never loaded: ${await thumbnail.getAttribute('src')} ${JSON.stringify(fileResponses)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await loaded()).toBe(64);
    expect(await thumbnail.getAttribute('alt')).toBe('voiture.jpg');
    await desk.screenshot({ path: artifactPath('attachments-desk-thumbnail.png') });

    // A click opens the full image in a new tab, through the signed link.
    const [opened] = await Promise.all([desk.context().waitForEvent('page'), desk.getByTestId('attachment-open').click()]);
    await opened.waitForLoadState();
    expect(opened.url()).toMatch(/\/api\/attachments\/[0-9a-f-]{36}\?expires=\d+&signature=/);
    const image = await fetch(opened.url());
    expect([image.status, image.headers.get('content-type')]).toEqual([200, 'image/jpeg']);
    await opened.screenshot({ path: artifactPath('attachments-desk-opened.png') });
    expect(
      ((await platform.dataSource.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'attachment.read'`)) as { n: number }[])[0].n,
    ).toBeGreaterThanOrEqual(1);
    expect(pageErrors).toEqual([]);
  });
});

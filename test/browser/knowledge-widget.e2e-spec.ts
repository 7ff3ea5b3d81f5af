import type { Browser, BrowserContext, Page } from 'playwright-core';
import { KnowledgeBaseService, readSeedArticles } from '@brigade/knowledge-base';
import { launchBrowser } from '../support/browser';
import { resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';


describe('knowledge-base suggestions in the citizen widget (Chromium)', () => {
  let platform: TestPlatform;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    platform = await startPlatform();
    await resetDatabase(platform.dataSource);
    await platform.dataSource.query(`TRUNCATE knowledge_articles, knowledge_events CASCADE`);
    const imported = await platform.app.get(KnowledgeBaseService).import(null, 'markdown', readSeedArticles(), false);
    expect(imported.errors).toEqual([]);
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    // Other test files expect an empty knowledge base (the built-in frequent questions).
    await platform?.dataSource.query(`TRUNCATE knowledge_articles, knowledge_events CASCADE`);
    await platform?.close();
  });

  const widget = (page: Page) => page.locator('#brigade-widget');

  it('offers articles while the citizen types, opens one inside the widget, keeps the queue place, and ends politely when solved', async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'fr-FR' });
    const page = await context.newPage();
    await page.goto(`${platform.url}/`);
    await page.getByRole('button', { name: 'Contacter un gendarme' }).click();
    const box = page.getByLabel('Votre message');
    await box.waitFor();

    // Typing a first message, not sent yet.
    await box.pressSequentially('comment je fais une procurasion pour voter', { delay: 5 });
    await widget(page).getByRole('heading', { name: 'Ces réponses peuvent vous aider' }).waitFor();
    const offered = widget(page).locator('.kb__suggestion');
    expect(await offered.count()).toBeGreaterThanOrEqual(1);
    expect(await offered.count()).toBeLessThanOrEqual(3);
    expect(await offered.first().textContent()).toBe('Comment voter par procuration ?');

    // The article opens inside the widget, its links are real https links, nothing was sent.
    await offered.first().click();
    await widget(page).getByRole('heading', { name: 'Comment voter par procuration ?' }).waitFor();
    const link = widget(page).locator('.kb__answer a').first();
    expect(await link.getAttribute('href')).toBe('https://www.maprocuration.gouv.fr');
    expect(await widget(page).locator('li.message').count()).toBe(0);

    // "Je veux parler à un gendarme": back to the message box; the citizen then writes and waits in the queue.
    await widget(page).getByRole('button', { name: 'Je veux parler à un gendarme' }).click();
    await widget(page).getByText('Votre place dans la file d’attente est conservée', { exact: false }).waitFor();
    await box.press('Enter');
    await waitUntil(async () => (await platform.dataSource.query(`SELECT status FROM conversations`))[0]?.status === 'waiting');

    // While waiting, the suggestions for the sent message; reading one leaves the conversation waiting.
    await widget(page).locator('.kb__suggestion').first().click();
    await widget(page).getByRole('button', { name: 'Cela répond à ma question' }).click();
    await widget(page).getByText('Tant mieux', { exact: false }).waitFor();
    const [conversation] = await platform.dataSource.query(`SELECT status FROM conversations`);
    expect(conversation.status).toBe('waiting');
    await waitUntil(async () => (await platform.dataSource.query(`SELECT 1 FROM knowledge_events WHERE kind = 'solved' AND article_key = 'procuration-vote'`)).length === 1);
    const viewed = await platform.dataSource.query(`SELECT count(*)::int AS n FROM knowledge_events WHERE kind = 'viewed' AND article_key = 'procuration-vote'`);
    expect(viewed[0].n).toBe(2);

    // "Terminer la conversation": the widget's own end of conversation (rating, transcript).
    await widget(page).getByRole('button', { name: 'Terminer la conversation' }).first().click();
    await widget(page).getByRole('heading', { name: 'Fin de la conversation' }).waitFor();
  }, 120_000);
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

import type { Browser, BrowserContext, Page } from 'playwright-core';
import { KnowledgeBaseService, readSeedArticles } from '@brigade/knowledge-base';
import { launchBrowser } from '../support/browser';
import { connectCitizen, newClientMessageId } from '../support/clients';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';


async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('knowledge-base panel beside a conversation in the desk (Chromium)', () => {
  let platform: TestPlatform;
  let browser: Browser;
  let context: BrowserContext;
  const sockets: { disconnect(): unknown }[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    platform = await startPlatform({ AUTH_LOGIN_ATTEMPTS_PER_MINUTE: '1000' });
    await resetDatabase(platform.dataSource);
    await platform.dataSource.query(`TRUNCATE knowledge_articles, knowledge_events CASCADE`);
    const imported = await platform.app.get(KnowledgeBaseService).import(null, 'markdown', readSeedArticles(), false);
    expect(imported.errors).toEqual([]);
    browser = await launchBrowser();
  }, 90_000);
  afterAll(async () => {
    sockets.splice(0).forEach((socket) => socket.disconnect());
    await context?.close();
    await browser?.close();
    // Other test files expect an empty knowledge base (the built-in frequent questions).
    await platform?.dataSource.query(`TRUNCATE knowledge_articles, knowledge_events CASCADE`);
    await platform?.close();
  });

  async function openDesk(role: 'agent' | 'supervisor' = 'agent', hash = ''): Promise<Page> {
    const agent = await createAgent(platform.dataSource, { role });
    await context?.close();
    context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'fr-FR' });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.stack ?? error.message));
    await page.goto(`${platform.url}/desk/${hash}`);
    await page.getByLabel('Identifiant').fill(agent.login);
    await page.getByLabel('Mot de passe').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await waitUntil(async () => (await page.getByTestId('connection').textContent()) === 'Connecté', 30_000);
    if (role === 'agent') await page.getByLabel('Présence').selectOption('available');
    return page;
  }

  it('shows the articles matching the citizen’s messages in the conversation’s language; Alt+1 inserts one, search finds others', async () => {
    const page = await openDesk();
    const citizen = await connectCitizen(platform.url);
    sockets.push(citizen.socket);
    await citizen.log.waitFor('session');
    await citizen.socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text: 'Hello, my bike was stolen outside the station this morning' });
    await waitUntil(async () => (await platform.dataSource.query(`SELECT 1 FROM conversations WHERE status = 'assigned'`)).length === 1);
    // The conversation is in English: the panel offers the English translation.
    await platform.dataSource.query(`UPDATE conversations SET language = 'en'`);
    await page.locator('.conversation-item').first().click();

    const panel = page.getByTestId('knowledge-panel');
    await panel.getByText('My bike was stolen').waitFor();
    const reply = page.getByLabel('Réponse', { exact: true });
    await reply.click();
    await page.keyboard.press('Alt+1');
    await waitUntil(async () => (await reply.inputValue()).startsWith('File a complaint'));
    expect(await reply.inputValue()).not.toMatch(/\]\(|\*\*/);

    await page.getByLabel('Rechercher un article').fill('procurasion');
    await panel.getByText('How do I vote by proxy?').waitFor();
    await reply.click();
    await reply.press('End');
    await page.keyboard.press('Alt+1');
    await waitUntil(async () => (await reply.inputValue()).includes('https://www.maprocuration.gouv.fr'));

    await waitUntil(async () => (await platform.dataSource.query(`SELECT article_key FROM knowledge_events WHERE kind = 'inserted' ORDER BY at`)).length === 2);
    const inserted = await platform.dataSource.query(`SELECT article_key, language, channel FROM knowledge_events WHERE kind = 'inserted' ORDER BY at`);
    expect(inserted).toEqual([
      { article_key: 'velo-vole', language: 'en', channel: 'webchat' },
      { article_key: 'procuration-vote', language: 'en', channel: 'webchat' },
    ]);
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('shows supervisors the figures in the console: insertions per day and language, the most inserted articles', async () => {
    const page = await openDesk('supervisor', '#/supervision');
    await page.getByRole('tab', { name: 'Rapports' }).click();
    const figures = page.getByTestId('knowledge-figures');
    await figures.getByRole('heading', { name: 'Base de connaissances (30 derniers jours)' }).waitFor();
    await figures.getByText('velo-vole (1)').waitFor();
    await figures.getByText('procuration-vote (1)').waitFor();
    const row = figures.locator('tbody tr').filter({ hasText: 'en' }).first();
    expect((await row.locator('td').allTextContents()).slice(1)).toEqual(['en', '0', '0', '2', '0', '0']);
    expect(pageErrors).toEqual([]);
  }, 120_000);
});

// The desk's search ("/"), its results opening a conversation at the message found, the list's tabs and filters, in
// Chromium.
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { artifactPath, launchBrowser } from '../support/browser';
import { AgentSpec, TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';


async function waitUntil(condition: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const listed = async (page: Page) =>
  (await page.locator('[role="tabpanel"] .conversation-item .who').allTextContents()).map((name) => name.trim()).sort();

describe('desk search, tabs and filters, in Chromium', () => {
  let platform: TestPlatform;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    platform = await startPlatform({ AUTH_LOGIN_ATTEMPTS_PER_MINUTE: '200' });
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await platform?.close();
  });
  beforeEach(async () => {
    await resetDatabase(platform.dataSource);
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
    expect(pageErrors.splice(0)).toEqual([]);
  });

  // Off shift: nothing is routed to the person at the screen. Colleagues holding conversations are on shift and "away",
  // so the platform's re-routing leaves the seeded conversations where they are.
  async function openDesk(spec: AgentSpec) {
    const agent = await createAgent(platform.dataSource, { onShift: false, ...spec });
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'fr-FR', bypassCSP: true });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.stack ?? error.message));
    await page.goto(`${platform.url}/desk/`);
    await page.getByLabel('Identifiant').fill(agent.login);
    await page.getByLabel('Mot de passe').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await waitUntil(async () => (await page.getByTestId('connection').textContent()) === 'Connecté', 'connected', 30_000);
    return { agent, page };
  }

  async function conversation(
    name: string,
    texts: string[],
    options: { status?: string; assigneeId?: string; queue?: string; channel?: string; tags?: string[]; priority?: number } = {},
  ): Promise<{ id: string; messageIds: string[] }> {
    const channel = options.channel ?? 'webchat';
    const [contact] = await platform.dataSource.query(`INSERT INTO contacts (display_name, pseudonym) VALUES ($1, $2) RETURNING id`, [
      name,
      `Citoyen-${randomUUID().slice(0, 6)}`,
    ]);
    const [identity] = await platform.dataSource.query(
      `INSERT INTO channel_identities (contact_id, channel, external_id) VALUES ($1, $2, $3) RETURNING id`,
      [contact.id, channel, randomUUID()],
    );
    const [row] = await platform.dataSource.query(
      `INSERT INTO conversations (contact_id, identity_id, channel, status, queue, assignee_id, tags, priority, waiting_since,
                                  assigned_at, first_agent_reply_at, last_citizen_message_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now() - interval '3 minutes', CASE WHEN $6::uuid IS NULL THEN NULL ELSE now() END,
               now(), now(), now() - interval '1 hour')
       RETURNING id`,
      [contact.id, identity.id, channel, options.status ?? 'assigned', options.queue ?? 'general', options.assigneeId ?? null,
        options.tags ?? [], options.priority ?? 2],
    );
    const messageIds: string[] = [];
    for (const [index, text] of texts.entries()) {
      const citizen = index % 2 === 0;
      const [message] = await platform.dataSource.query(
        `INSERT INTO messages (conversation_id, channel, direction, author_type, text, delivery_status, created_at)
         VALUES ($1, $2, $3, $4, $5, 'delivered', now() - interval '1 hour' + $6 * interval '1 second') RETURNING id`,
        [row.id, channel, citizen ? 'inbound' : 'outbound', citizen ? 'citizen' : 'agent', text, index],
      );
      messageIds.push(message.id);
    }
    return { id: row.id, messageIds };
  }

  /** Serious and critical axe-core violations of the page. */
  async function seriousViolations(page: Page) {
    await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
    const violations = (await page.evaluate(`axe.run(document).then((results) =>
      results.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((node) => node.target) })))`)) as {
      id: string;
      impact: string;
      targets: unknown[];
    }[];
    return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  }

  const inView = async (element: Locator, container: Locator) => {
    const [box, frame] = [await element.boundingBox(), await container.boundingBox()];
    return !!box && !!frame && box.y >= frame.y - 1 && box.y + box.height <= frame.y + frame.height + 1;
  };

  it('"/" focuses the search; a result shows the match marked as text and opens the conversation at that message', async () => {
    const colleague = await createAgent(platform.dataSource, { presence: 'away' });
    // A long conversation: the message found sits far above the end the history normally scrolls to.
    const long = Array.from({ length: 60 }, (_, index) =>
      index % 2 === 0 ? `Question ${index} du citoyen sur sa démarche` : `Réponse ${index} du gendarme`,
    );
    long[6] = 'On a volé ma débroussailleuse <b>hier</b> dans le cabanon du jardin';
    const stolen = await conversation('Camille Martin', long, { status: 'closed', assigneeId: colleague.id });
    await conversation('Louis Petit', ['Ma debroussailleuse fait du bruit, est-ce autorisé le dimanche ?'], {
      status: 'waiting',
      channel: 'facebook',
    });
    const { page } = await openDesk({ role: 'supervisor' });

    await page.keyboard.press('/');
    expect(await page.evaluate('document.activeElement?.id')).toBe('desk-search-text');
    await page.keyboard.type('débroussailleuse');
    await page.keyboard.press('Enter');
    const results = page.getByTestId('search-results');
    await waitUntil(async () => (await results.locator('.search-hit').count()) === 2, 'two results');
    expect(await results.getByRole('status').textContent()).toBe('2 résultat(s)');
    const hit = results.locator(`.search-hit[data-message-id="${stolen.messageIds[6]}"]`);
    expect(await hit.locator('.snippet').textContent()).toBe('On a volé ma débroussailleuse <b>hier</b> dans le cabanon du jardin');
    expect(await hit.locator('mark').allTextContents()).toEqual(['débroussailleuse']);
    // The citizen's markup stays characters: no <b> element in the results.
    expect(await results.locator('.snippet b, .snippet img').count()).toBe(0);
    expect(await results.locator('mark').allTextContents()).toEqual(['débroussailleuse', 'debroussailleuse']);
    expect(await hit.locator('.who').textContent()).toBe('Camille Martin');
    expect(await hit.locator('.hit-queue').textContent()).not.toContain('general');

    await hit.click();
    const found = page.locator(`.messages [data-message-id="${stolen.messageIds[6]}"]`);
    await waitUntil(async () => (await found.getAttribute('data-found')) === 'true', 'the message found is marked');
    await waitUntil(() => inView(found, page.getByTestId('messages')), 'the message found is scrolled into view');
    expect(await found.locator('.text').textContent()).toBe(long[6]);
    // Someone else's closed conversation: read, not answered from here.
    expect(await page.getByTestId('read-only').textContent()).toContain('seul le gendarme à qui elle est attribuée peut répondre');
    expect(await page.getByRole('button', { name: 'Envoyer' }).isDisabled()).toBe(true);
    expect(await page.getByTestId('messages').locator('[data-message-id]').count()).toBe(60);
    // The end of the history is out of sight: the view was taken to the message, not to the bottom.
    expect(await inView(page.locator(`.messages [data-message-id="${stolen.messageIds[59]}"]`), page.getByTestId('messages'))).toBe(false);

    await page.screenshot({ path: artifactPath('desk-search-1366x768.png') });
    expect(await seriousViolations(page)).toEqual([]);

    // The shortcuts overlay lists the search key.
    await page.locator('body').click({ position: { x: 5, y: 700 } });
    await page.keyboard.press('?');
    const help = page.getByTestId('shortcuts-help');
    expect(await help.textContent()).toContain('Rechercher dans les conversations');
    expect(await help.locator('kbd').allTextContents()).toContain('/');
    await page.keyboard.press('Escape');

    // Filters narrow the search too; Escape in the box clears it and the tabs come back.
    await page.getByLabel('Canal', { exact: true }).selectOption('facebook');
    await page.getByRole('button', { name: 'Rechercher', exact: true }).click();
    await waitUntil(async () => (await results.locator('.search-hit').count()) === 1, 'one Messenger result');
    expect(await results.locator('.who').textContent()).toBe('Louis Petit');
    await page.locator('#desk-search-text').press('Escape');
    await waitUntil(async () => (await page.getByRole('tab').count()) === 3, 'tabs back');
  });

  it('tabs: my conversations, waiting in my queues, all for supervisors; filters by channel, queue, priority and tag', async () => {
    const colleague = await createAgent(platform.dataSource, { presence: 'away' });
    await conversation('Alice Roux', ['Au secours, mon conjoint me menace'], { status: 'waiting', queue: 'violence', priority: 1 });
    await conversation('Bruno Faure', ['Question sur une procuration'], { status: 'waiting', queue: 'general', channel: 'facebook', tags: ['procuration'] });
    await conversation('Chloé Garnier', ['Mon vélo a disparu'], { status: 'assigned', assigneeId: colleague.id, queue: 'general' });

    const { page: agentPage } = await openDesk({ skills: ['violence'] });
    expect(await agentPage.getByRole('tab').allTextContents()).toEqual(['Mes conversations (0)', 'En attente dans mes files']);
    await agentPage.getByRole('tab', { name: /En attente/ }).click();
    await waitUntil(async () => (await listed(agentPage)).length === 1, 'the waiting conversation of my queue');
    expect(await listed(agentPage)).toEqual(['Alice Roux']);
    expect(await agentPage.getByRole('tab', { name: /En attente/ }).getAttribute('aria-selected')).toBe('true');
    // Its wait ticks.
    const wait = agentPage.getByTestId('queued-wait');
    const first = await wait.textContent();
    await waitUntil(async () => (await wait.textContent()) !== first, 'the wait ticks', 5_000);
    expect(first).toMatch(/^en file depuis/);
    // The agent opens it (read only as the server allows; the reading is audited).
    await agentPage.locator('.conversation-item').click();
    await waitUntil(async () => (await agentPage.getByTestId('messages').textContent())?.includes('mon conjoint me menace') ?? false, 'opened');

    const { page } = await openDesk({ role: 'supervisor' });
    await page.getByRole('tab', { name: 'Toutes' }).click();
    await waitUntil(async () => (await listed(page)).length === 3, 'every open conversation');
    expect(await listed(page)).toEqual(['Alice Roux', 'Bruno Faure', 'Chloé Garnier']);
    await page.getByLabel('Canal', { exact: true }).selectOption('facebook');
    expect(await listed(page)).toEqual(['Bruno Faure']);
    await page.getByLabel('Canal', { exact: true }).selectOption('');
    await page.getByLabel('File', { exact: true }).selectOption('violence');
    expect(await listed(page)).toEqual(['Alice Roux']);
    await page.getByLabel('File', { exact: true }).selectOption('');
    await page.getByLabel('Priorité', { exact: true }).selectOption('2');
    expect(await listed(page)).toEqual(['Bruno Faure', 'Chloé Garnier']);
    await page.getByLabel('Priorité', { exact: true }).selectOption('');
    await page.getByLabel('Étiquette', { exact: true }).fill('procuration');
    expect(await listed(page)).toEqual(['Bruno Faure']);
    await page.getByLabel('Étiquette', { exact: true }).fill('');
    await page.getByRole('tab', { name: /En attente/ }).click();
    await waitUntil(async () => (await listed(page)).length === 2, 'every waiting conversation for a supervisor');
    expect(await listed(page)).toEqual(['Alice Roux', 'Bruno Faure']);
    await page.screenshot({ path: artifactPath('desk-tabs-1366x768.png') });
    expect(await seriousViolations(page)).toEqual([]);
  });
});

// What a new gendarme met on the desk, console and administration (issue 18), each proven in Chromium.
import type { Browser, BrowserContext, BrowserContextOptions, Locator, Page } from 'playwright-core';
import { FakeGraphApi, metaWebhookSignature } from '@brigade/testing';
import { artifactPath, launchBrowser } from '../support/browser';
import { connectCitizen, login, newClientMessageId } from '../support/clients';
import { AgentSpec, TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

type Ack<T> = { ok: true; data: T } | { ok: false; error: string; status: number };

const FACEBOOK_APP_SECRET = 'facebook-app-secret-of-the-desk-defects-test';
const FACEBOOK_PAGE = '700800901';

async function waitForText(locator: Locator, predicate: (text: string) => boolean, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    last = ((await locator.count()) > 0 ? await locator.first().textContent() : null) ?? '';
    if (predicate(last)) return last;
    if (Date.now() > deadline) throw new Error(`text never matched; last: "${last}"`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function waitUntil(condition: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('desk, console and administration defects met by a new user, in Chromium', () => {
  let platform: TestPlatform;
  let graph: FakeGraphApi;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const sockets: { disconnect(): unknown }[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    graph = await FakeGraphApi.start();
    platform = await startPlatform({
      AUTH_LOGIN_ATTEMPTS_PER_MINUTE: '1000',
      FACEBOOK_ENABLED: 'true',
      FACEBOOK_APP_SECRET,
      FACEBOOK_VERIFY_TOKEN: 'verify-token-of-the-desk-defects-test',
      FACEBOOK_PAGES: `${FACEBOOK_PAGE}:EAAPageTokenDeskDefects`,
      FACEBOOK_GRAPH_BASE_URL: graph.baseUrl,
      FACEBOOK_FETCH_PROFILES: 'false',
    });
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await platform?.close();
    await graph?.close();
  });
  beforeEach(async () => {
    await resetDatabase(platform.dataSource);
    graph.reset();
  });
  afterEach(async () => {
    sockets.splice(0).forEach((socket) => socket.disconnect());
    await Promise.all(contexts.splice(0).map((context) => context.close()));
    expect(pageErrors.splice(0)).toEqual([]);
  });

  async function signIn(loginName: string, hash = '', options: BrowserContextOptions = {}) {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'fr-FR', bypassCSP: true, ...options });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.stack ?? error.message));
    await page.goto(`${platform.url}/desk/${hash}`);
    await page.getByLabel('Identifiant').fill(loginName);
    await page.getByLabel('Mot de passe').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await waitForText(page.getByTestId('connection'), (text) => text === 'Connecté', 30_000);
    return page;
  }

  async function openDesk(spec: AgentSpec = {}, hash = '', options: BrowserContextOptions = {}) {
    const agent = await createAgent(platform.dataSource, spec);
    return { agent, page: await signIn(agent.login, hash, options) };
  }

  async function goAvailable(page: Page) {
    await page.getByLabel('Présence').selectOption('available');
    await waitForText(page.getByTestId('duty'), (text) => text === 'En service');
  }

  async function citizenWrites(text: string) {
    const citizen = await connectCitizen(platform.url);
    sockets.push(citizen.socket);
    await citizen.log.waitFor('session');
    const ack = (await citizen.socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text })) as Ack<unknown>;
    expect(ack.ok).toBe(true);
    return citizen;
  }

  async function messengerWrites(psid: string, text: string) {
    const raw = JSON.stringify({
      object: 'page',
      entry: [
        {
          id: FACEBOOK_PAGE,
          time: Date.now(),
          messaging: [{ sender: { id: psid }, recipient: { id: FACEBOOK_PAGE }, timestamp: Date.now(), message: { mid: `m.${newClientMessageId()}`, text } }],
        },
      ],
    });
    const response = await fetch(`${platform.url}/webhooks/facebook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaWebhookSignature(raw, FACEBOOK_APP_SECRET) },
      body: raw,
    });
    expect(response.status).toBe(200);
  }

  async function adminApi() {
    const admin = await createAgent(platform.dataSource, { role: 'admin', onShift: false, displayName: 'Administrateur Test' });
    const token = await login(platform.url, admin.login, TEST_PASSWORD);
    const call = async <T = unknown>(method: string, path: string, body?: unknown): Promise<T> => {
      const response = await fetch(`${platform.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    };
    return { admin, call };
  }

  it('tells a gendarme on shift who signs in unavailable what to do, and one click makes them available', async () => {
    const { page } = await openDesk();
    await waitForText(page.getByTestId('duty'), (text) => text === 'De service, non disponible');
    const hint = page.getByTestId('availability-hint');
    await waitForText(hint, (text) => text.includes('aucune conversation ne vous sera attribuée'));
    await hint.getByRole('button', { name: 'Me rendre disponible' }).click();
    await waitForText(page.getByTestId('duty'), (text) => text === 'En service');
    expect(await page.getByLabel('Présence').inputValue()).toBe('available');
    await waitUntil(async () => (await hint.count()) === 0, 'the hint goes once available');
  });

  it('a new-conversation notice sits beside the list, never over the reply box or its send button, and fades by itself', async () => {
    const { page } = await openDesk({ capacity: 4 });
    await goAvailable(page);
    await citizenWrites('Première conversation');
    await page.locator('.conversation-item').first().click();
    await page.getByLabel('Réponse', { exact: true }).waitFor();

    await citizenWrites('Deuxième conversation');
    const notice = page.locator('.notice.assigned');
    await notice.first().waitFor();
    const noticeBox = (await notice.first().boundingBox())!;
    const sendBox = (await page.getByRole('button', { name: 'Envoyer', exact: true }).boundingBox())!;
    const replyBox = (await page.getByLabel('Réponse', { exact: true }).boundingBox())!;
    const helpBox = (await page.locator('#reply-help').boundingBox())!;
    expect(overlaps(noticeBox, sendBox)).toBe(false);
    expect(overlaps(noticeBox, replyBox)).toBe(false);
    expect(overlaps(noticeBox, helpBox)).toBe(false);
    await page.screenshot({ path: artifactPath('desk-notice-1366x768.png') });
    // The send button stays clickable under whatever else is on screen.
    await page.getByLabel('Réponse', { exact: true }).fill('Bonjour');
    await page.getByRole('button', { name: 'Envoyer', exact: true }).click({ trial: true, timeout: 2000 });
    // NOTICE_FADE_MS is 8 s: gone well within 12 s, with nobody dismissing it.
    await waitUntil(async () => (await notice.count()) === 0, 'the notice fades by itself', 12_000);
  }, 90_000);

  it('names queues in the interface language instead of their internal codes, in the conversation and the console', async () => {
    const { page } = await openDesk({ role: 'supervisor' });
    await goAvailable(page);
    await citizenWrites('Bonjour, une question');
    await page.locator('.conversation-item').first().click();
    const queue = page.getByTestId('conversation-queue');
    // While the names load the desk shows an ellipsis, never the code.
    const text = await waitForText(queue, (value) => value.startsWith('File') && !value.endsWith('…'));
    expect(text).toBe('File\u00a0: Une question, un renseignement');

    await page.getByRole('link', { name: 'Supervision' }).click();
    const row = page.locator('section[aria-labelledby="open-title"] tbody tr').first();
    await waitForText(row, (value) => value.includes('Une question, un renseignement'));
    expect(await row.textContent()).not.toContain('general');
  });

  it('keeps list previews current: the gendarme’s reply at once, and a Messenger citizen’s message rather than the system’s position text', async () => {
    // Nobody available: the Messenger citizen gets the acknowledgement and their queue position first.
    await messengerWrites('psid-preview-1', 'Mon voisin fait du bruit toute la nuit');
    const { page } = await openDesk();
    await goAvailable(page);
    const item = page.locator('.conversation-item').first();
    await waitForText(item.locator('.last'), (text) => text === 'Mon voisin fait du bruit toute la nuit');
    // The same after a reload (the list then comes from the server).
    await page.reload();
    await waitForText(page.locator('.conversation-item .last').first(), (text) => text === 'Mon voisin fait du bruit toute la nuit', 30_000);

    await page.locator('.conversation-item').first().click();
    await page.getByLabel('Réponse', { exact: true }).fill('Nous envoyons une patrouille.');
    await page.getByLabel('Réponse', { exact: true }).press('Enter');
    await waitForText(page.locator('.conversation-item .last').first(), (text) => text === 'Nous envoyons une patrouille.');
  });

  it('shows the citizen’s quick exit and rating on the desk, live and after a reload', async () => {
    const { page } = await openDesk();
    await goAvailable(page);
    const citizen = await citizenWrites('Je dois partir vite');
    const item = page.locator('.conversation-item').first();
    await item.click();
    await page.getByLabel('Réponse', { exact: true }).waitFor();

    const rated = (await citizen.socket.emitWithAck('session:rate', { rating: 4 })) as Ack<unknown>;
    expect(rated.ok).toBe(true);
    await waitForText(page.getByTestId('citizen-rating'), (text) => text === 'Note du citoyen\u00a0: 4/5');

    const left = (await citizen.socket.emitWithAck('session:leave', {})) as Ack<unknown>;
    expect(left.ok).toBe(true);
    await waitForText(page.getByTestId('citizen-left'), (text) => text.startsWith('Le citoyen a quitté et effacé la conversation'));
    await waitForText(item.getByTestId('citizen-left-flag'), (text) => text === 'Parti');

    await page.reload();
    await waitForText(page.getByTestId('citizen-left'), (text) => text.startsWith('Le citoyen a quitté'), 30_000);
    await waitForText(page.getByTestId('citizen-rating'), (text) => text.includes('4/5'));
    await waitForText(page.locator('.conversation-item').first().getByTestId('citizen-left-flag'), (text) => text === 'Parti');
  });

  it('shows a shift at the same times in supervision and in the planning page, whatever the browser’s time zone', async () => {
    const { admin, call } = await adminApi();
    const agent = await createAgent(platform.dataSource, { onShift: false, displayName: 'Gendarme Horaires' });
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
    await call('POST', '/api/admin/roster/shifts', { agentId: agent.id, date: today, start: '06:15', end: '23:45' });

    // A browser set to New York: 6 hours behind Paris.
    const page = await signIn(admin.login, '#/supervision', { timezoneId: 'America/New_York' });
    const supervision = page.locator('section.roster li', { hasText: 'Gendarme Horaires' });
    await waitForText(supervision, (text) => text.includes('06:15'));
    expect(await supervision.getByTestId('shift-times').first().textContent()).toBe('06:15–23:45');

    await page.getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('tab', { name: 'Planning' }).click();
    await waitForText(page.getByTestId('roster-week'), (text) => text.includes('Gendarme Horaires'));
    // The week grid: the agent's row holds the shift at the roster zone's times.
    const row = page.getByTestId('roster-week').locator('tbody tr').filter({ hasText: 'Gendarme Horaires' });
    expect(await waitForText(row, (text) => text.includes('06:15'))).toContain('06:15–23:45');
  });

  it('explains a refused request in French, never with the server’s raw English validation message', async () => {
    const { admin } = await adminApi();
    const page = await signIn(admin.login, '#/admin');
    await page.getByRole('tab', { name: 'Contacts' }).click();
    await page.getByRole('button', { name: 'Rechercher' }).click();
    const feedback = await waitForText(page.getByTestId('admin-feedback'), (text) => text.length > 0);
    expect(feedback).not.toMatch(/must be|longer than/);
    // The reason in French under the field it concerns, announced with it.
    const reason = await waitForText(page.getByTestId('error-q'), (text) => text.length > 0);
    expect(reason).toContain('au moins 2 caractère');
    expect(reason).not.toMatch(/must be|longer than/);
    expect(await page.getByRole('searchbox', { name: 'Rechercher' }).getAttribute('aria-invalid')).toBe('true');

    // The API keeps class-validator's wording for its clients, beside the French message and the field.
    const token = await login(platform.url, admin.login, TEST_PASSWORD);
    const response = await fetch(`${platform.url}/api/admin/contacts?q=`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { message: string; fields: { field: string; message: string; detail: string }[] };
    expect(body.fields).toEqual([expect.objectContaining({ field: 'q', message: 'au moins 2 caractère(s)' })]);
    expect(body.fields[0].detail).toMatch(/q must be longer than or equal to 2 characters/);
  });

  it('writes dates in the interface language whatever the browser’s locale, and English without French spacing', async () => {
    const { page } = await openDesk({}, '', { locale: 'en-US', timezoneId: 'Europe/Paris' });
    await goAvailable(page);
    await citizenWrites('Hello');
    await page.locator('.conversation-item').first().click();
    // French interface in an American browser: 24-hour clock, no AM/PM.
    const meta = await waitForText(page.locator('.message .meta').first(), (text) => text.length > 0);
    expect(meta).toMatch(/Citoyen · \d{2}:\d{2}/);
    expect(meta).not.toMatch(/AM|PM/);
    expect(await page.getByTestId('conversation-queue').textContent()).toContain('File\u00a0: ');

    await page.getByRole('button', { name: 'Language: English' }).click();
    await waitForText(page.getByTestId('conversation-queue'), (text) => text.startsWith('Queue: '));
    expect(await page.getByTestId('conversation-queue').textContent()).toBe('Queue: A question, information');
  });

  /** Serious and critical axe-core violations of the page (labels, contrast, roles, names). */
  async function seriousAxeViolations(page: Page) {
    await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
    const violations = (await page.evaluate(`axe.run(document).then((results) =>
      results.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((node) => node.target) })))`)) as {
      id: string;
      impact: string;
      targets: unknown[];
    }[];
    return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  }

  it('the desk has three panes: list, the conversation with its system messages folded, and the contact panel with a tools slot', async () => {
    // Nobody available: the Messenger citizen first gets the system's acknowledgement and queue position.
    await messengerWrites('psid-panes-1', 'On m’a volé mon portefeuille au marché');
    const { page } = await openDesk({ role: 'supervisor', displayName: 'Gendarme Trois Volets' });
    await goAvailable(page);
    await page.locator('.conversation-item').first().click();
    await waitForText(page.getByTestId('messages'), (text) => text.includes('portefeuille'));

    // The system's texts are folded into one collapsed line; the citizen's words are in full view.
    const folded = page.getByTestId('system-messages').first();
    await folded.waitFor();
    expect(await folded.evaluate((element) => (element as unknown as { open: boolean }).open)).toBe(false);
    expect(await folded.locator('summary').textContent()).toMatch(/message(s)? automatique/);
    expect(await page.locator('.message.citizen').first().isVisible()).toBe(true);
    expect(await page.getByTestId('day-separator').count()).toBe(1);

    // The contact panel: pseudonym, their Messenger identity, tags, and the marked slot for extra tools.
    const panel = page.getByTestId('contact-panel');
    await waitForText(panel.getByTestId('identities'), (text) => text.includes('Messenger'));
    // A citizen Messenger gave no name is called by their pseudonym, once.
    const contactName = (await panel.locator('#contact-title').textContent())!;
    expect(contactName).toMatch(/\S/);
    expect(await panel.getByText(contactName, { exact: true }).count()).toBe(1);
    expect(await panel.getByLabel('Étiquettes').count()).toBe(1);
    expect(await panel.locator('[data-slot="conversation-tools"]').count()).toBe(1);
    const listBox = (await page.locator('.conversation-list').boundingBox())!;
    const conversationBox = (await page.locator('article.conversation').boundingBox())!;
    const panelBox = (await panel.boundingBox())!;
    expect(listBox.x + listBox.width).toBeLessThanOrEqual(conversationBox.x);
    expect(conversationBox.x + conversationBox.width).toBeLessThanOrEqual(panelBox.x);

    for (const [width, height] of [
      [1366, 768],
      [1920, 1080],
      [1024, 768],
    ]) {
      await page.setViewportSize({ width, height });
      await page.screenshot({ path: artifactPath(`desk-${width}x${height}.png`) });
    }
    expect(await seriousAxeViolations(page)).toEqual([]);

    for (const [hash, name] of [
      ['#/supervision', 'console'],
      ['#/admin', 'admin'],
    ]) {
      await page.goto(`${platform.url}/desk/${hash}`);
      await page.locator('main').first().waitFor();
      await waitForText(page.getByTestId('connection'), (text) => text === 'Connecté', 30_000);
      for (const [width, height] of [
        [1366, 768],
        [1920, 1080],
      ]) {
        await page.setViewportSize({ width, height });
        await page.screenshot({ path: artifactPath(`${name}-${width}x${height}.png`) });
      }
      expect(await seriousAxeViolations(page)).toEqual([]);
    }
  }, 120_000);

  it('moves between conversations and opens the desk’s forms from the keyboard; "?" lists the shortcuts', async () => {
    const { page } = await openDesk({ capacity: 4 });
    await goAvailable(page);
    await citizenWrites('Premier citoyen');
    await page.locator('.conversation-item').first().waitFor();
    await citizenWrites('Second citoyen');
    await waitUntil(async () => (await page.locator('.conversation-item').count()) === 2, 'two conversations');
    await page.locator('main').first().click({ position: { x: 5, y: 300 } });

    await page.keyboard.press('j');
    await waitUntil(async () => (await page.locator('.conversation-item[aria-current="true"]').count()) === 1, 'j selects one');
    const first = await page.locator('.conversation-item[aria-current="true"]').getAttribute('data-conversation-id');
    await page.locator('main').first().click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('j');
    await waitUntil(
      async () => (await page.locator('.conversation-item[aria-current="true"]').getAttribute('data-conversation-id')) !== first,
      'j moves to the next one',
    );
    await page.locator('main').first().click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('k');
    await waitUntil(
      async () => (await page.locator('.conversation-item[aria-current="true"]').getAttribute('data-conversation-id')) === first,
      'k moves back',
    );

    await page.keyboard.press('r');
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('reply');
    // Typed in the reply box, the same letters are text, not shortcuts.
    await page.keyboard.type('jk');
    expect(await page.getByLabel('Réponse', { exact: true }).inputValue()).toBe('jk');
    await page.locator('main').first().click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('n');
    await page.getByLabel('Note privée (jamais envoyée au citoyen)').waitFor();

    await page.locator('main').first().click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('?');
    const help = page.getByTestId('shortcuts-help');
    await help.waitFor();
    expect(await help.textContent()).toContain('Conversation suivante');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await waitUntil(async () => (await help.count()) === 0, 'Escape closes the help');
  }, 90_000);

  it('shows the deployer’s neutral name, not the State brand block, unless the deployment is a State service', async () => {
    const settings = (await (await fetch(`${platform.url}/api/interface`)).json()) as Record<string, unknown>;
    expect(settings).toEqual({ stateBrand: false, deployerName: 'Brigade', rosterTimeZone: 'Europe/Paris' });
    const { page } = await openDesk();
    expect(await page.getByTestId('brand').textContent()).toBe('Brigade');
    expect(await page.getByTestId('brand').getAttribute('data-state-brand')).toBeNull();
    expect(await page.locator('header').textContent()).not.toContain('République');
  });

  it('draws channel icons as SVG, not emoji glyphs', async () => {
    await messengerWrites('psid-icon-1', 'Bonjour');
    const { page } = await openDesk();
    await goAvailable(page);
    const icon = page.locator('.conversation-item .channel').first();
    await icon.waitFor();
    expect(await icon.getAttribute('aria-label')).toBe('Messenger');
    expect(await icon.locator('svg path').count()).toBe(1);
    expect((await icon.textContent())?.trim()).toBe('');
  });
});

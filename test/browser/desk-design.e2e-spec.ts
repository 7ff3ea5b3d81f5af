// The desk, console and administration on the State design system: both themes (system setting by default, a switch
// kept per browser), the State brand block of a State deployment, screenshots and axe-core in each theme, and the
// browser notifications of a hidden tab, in Chromium.
import type { Browser, BrowserContext, BrowserContextOptions, Locator, Page } from 'playwright-core';
import { artifactPath, launchBrowser } from '../support/browser';
import { connectCitizen, newClientMessageId } from '../support/clients';
import { AgentSpec, TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

type Ack<T> = { ok: true; data: T } | { ok: false; error: string; status: number };
const DEADLINE_MS = 30_000;

async function waitUntil(condition: () => Promise<boolean>, what: string, timeoutMs = DEADLINE_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function waitForText(locator: Locator, predicate: (text: string) => boolean, what: string): Promise<void> {
  await waitUntil(async () => (await locator.count()) > 0 && predicate((await locator.first().textContent()) ?? ''), what);
}

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

/**
 * Lets the test hide the tab (headless Chromium keeps it visible) and records every notification the page creates,
 * through the browser's own Notification constructor.
 */
const ATTENTION_PROBE = `
  window.__hidden = false;
  Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => window.__hidden });
  Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get: () => (window.__hidden ? 'hidden' : 'visible') });
  window.__notifications = [];
  const BrowserNotification = window.Notification;
  function RecordedNotification(title, options) {
    window.__notifications.push({ title, body: options && options.body, tag: options && options.tag });
    return new BrowserNotification(title, options);
  }
  Object.defineProperty(RecordedNotification, 'permission', { get: () => BrowserNotification.permission });
  RecordedNotification.requestPermission = (...args) => BrowserNotification.requestPermission(...args);
  window.Notification = RecordedNotification;
`;

describe('desk, console and administration on the State design system, in Chromium', () => {
  let platform: TestPlatform;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const sockets: { disconnect(): unknown }[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    platform = await startPlatform({
      AUTH_LOGIN_ATTEMPTS_PER_MINUTE: '1000',
      INTERFACE_STATE_BRAND: 'true',
      INTERFACE_DEPLOYER_NAME: 'Brigade numérique',
    });
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await platform?.close();
  });
  beforeEach(async () => {
    await resetDatabase(platform.dataSource);
  });
  afterEach(async () => {
    sockets.splice(0).forEach((socket) => socket.disconnect());
    await Promise.all(contexts.splice(0).map((context) => context.close()));
    expect(pageErrors.splice(0)).toEqual([]);
  });

  async function openDesk(spec: AgentSpec = {}, options: BrowserContextOptions = {}, initScript?: string) {
    const agent = await createAgent(platform.dataSource, spec);
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'fr-FR', bypassCSP: true, ...options });
    contexts.push(context);
    if (initScript) await context.addInitScript(initScript);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.stack ?? error.message));
    await page.goto(`${platform.url}/desk/`);
    await page.getByLabel('Identifiant').fill(agent.login);
    await page.getByLabel('Mot de passe').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await waitForText(page.getByTestId('connection'), (text) => text === 'Connecté', 'signed in and connected');
    return { agent, page, context };
  }

  async function goAvailable(page: Page) {
    await page.getByLabel('Présence').selectOption('available');
    await waitForText(page.getByTestId('duty'), (text) => text === 'En service', 'on duty');
  }

  async function citizenWrites(text: string) {
    const citizen = await connectCitizen(platform.url);
    sockets.push(citizen.socket);
    await citizen.log.waitFor('session');
    await citizenSays(citizen, text);
    return citizen;
  }

  async function citizenSays(citizen: Awaited<ReturnType<typeof connectCitizen>>, text: string) {
    const ack = (await citizen.socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text })) as Ack<unknown>;
    expect(ack.ok).toBe(true);
  }

  const theme = (page: Page) => page.evaluate(`document.documentElement.getAttribute('data-fr-theme')`) as Promise<string | null>;

  for (const scheme of ['light', 'dark'] as const) {
    it(`follows the system's ${scheme} setting; desk, console and administration pass axe-core in it (screenshots)`, async () => {
      // The first screen a gendarme meets.
      const signInContext = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'fr-FR', bypassCSP: true, colorScheme: scheme });
      contexts.push(signInContext);
      const signInPage = await signInContext.newPage();
      await signInPage.goto(`${platform.url}/desk/`);
      await signInPage.getByLabel('Identifiant').waitFor();
      expect(await theme(signInPage)).toBe(scheme);
      await signInPage.screenshot({ path: artifactPath(`sign-in-${scheme}-1366x768.png`) });
      expect(await seriousAxeViolations(signInPage)).toEqual([]);

      const { page } = await openDesk({ role: 'supervisor', capacity: 6, displayName: 'Adjudant Claire Morel' }, { colorScheme: scheme });
      expect(await theme(page)).toBe(scheme);
      expect(await page.getByLabel('Thème').inputValue()).toBe('system');
      await goAvailable(page);
      await citizenWrites('Bonjour, on a forcé la porte de ma cave cette nuit, que dois-je faire ?');
      await citizenWrites('Je voudrais savoir comment faire une procuration pour les élections.');
      await citizenWrites('Mon vélo a été volé devant la gare ce matin.');
      await waitUntil(async () => (await page.locator('.conversation-item').count()) === 3, 'three conversations listed');
      await page.locator('.conversation-item').first().click();
      const reply = page.getByLabel('Réponse', { exact: true });
      await reply.fill('Bonjour, je suis l’adjudant Morel. Avez-vous déposé plainte ?');
      await reply.press('Enter');
      await waitUntil(async () => (await page.locator('.message.outbound').count()) >= 1, 'the reply shows');
      await waitUntil(async () => (await page.locator('.outbox li').count()) === 0, 'the reply is stored');
      // The arrival notices fade by themselves after a few seconds; closed here so the screenshots show the desk.
      while ((await page.locator('.notice button').count()) > 0) await page.locator('.notice button').first().click();

      for (const [width, height] of [
        [1366, 768],
        [1920, 1080],
        [1024, 768],
      ]) {
        await page.setViewportSize({ width, height });
        await page.screenshot({ path: artifactPath(`desk-${scheme}-${width}x${height}.png`) });
        expect(await seriousAxeViolations(page)).toEqual([]);
      }

      // The administration as an administrator sees it (every page), in a browser with the same setting.
      const admin = await openDesk({ role: 'admin', onShift: false, displayName: 'Commandant Paul Leroy' }, { colorScheme: scheme });
      for (const [screen, hash, name] of [
        [page, '#/supervision', 'console'],
        [admin.page, '#/admin', 'admin'],
      ] as const) {
        await screen.goto(`${platform.url}/desk/${hash}`);
        await screen.locator('main').first().waitFor();
        await waitForText(screen.getByTestId('connection'), (text) => text === 'Connecté', 'connected again');
        if (name === 'console') await waitForText(screen.locator('main'), (text) => text.includes('Adjudant Claire Morel'), 'agents shown');
        expect(await theme(screen)).toBe(scheme);
        for (const [width, height] of [
          [1366, 768],
          [1920, 1080],
        ]) {
          await screen.setViewportSize({ width, height });
          await screen.screenshot({ path: artifactPath(`${name}-${scheme}-${width}x${height}.png`) });
          expect(await seriousAxeViolations(screen)).toEqual([]);
        }
      }
    }, 180_000);
  }

  it('the header’s theme switch overrides the system setting and is kept by the browser; "Système" follows it again', async () => {
    const { page } = await openDesk({}, { colorScheme: 'light' });
    expect(await theme(page)).toBe('light');
    await page.getByLabel('Thème').selectOption('dark');
    await waitUntil(async () => (await theme(page)) === 'dark', 'dark applied');
    const background = await page.evaluate('getComputedStyle(document.body).backgroundColor');
    expect(background).not.toBe('rgb(255, 255, 255)');

    await page.reload();
    await waitForText(page.getByTestId('connection'), (text) => text === 'Connecté', 'connected after the reload');
    expect(await theme(page)).toBe('dark');
    expect(await page.getByLabel('Thème').inputValue()).toBe('dark');

    await page.getByLabel('Thème').selectOption('system');
    await waitUntil(async () => (await theme(page)) === 'light', 'back to the system’s light setting');
    await page.emulateMedia({ colorScheme: 'dark' });
    await waitUntil(async () => (await theme(page)) === 'dark', 'follows the system as it changes');
  }, 90_000);

  it('shows the State brand block with the deployer’s name on a State deployment', async () => {
    const { page } = await openDesk();
    const brand = page.getByTestId('brand');
    expect(await brand.getAttribute('data-state-brand')).toBe('true');
    expect((await brand.locator('.fr-logo').textContent())?.replace(/\s+/g, ' ').trim()).toBe('République française');
    expect(await brand.locator('.service').textContent()).toBe('Brigade numérique');
  }, 60_000);

  it('notifies a new conversation and a citizen’s message while the tab is hidden, not while shown, not when switched off', async () => {
    const { page } = await openDesk({ capacity: 4 }, { permissions: ['notifications'] }, ATTENTION_PROBE);
    const notifications = () => page.evaluate('window.__notifications') as Promise<{ title: string; body: string }[]>;
    const hide = (hidden: boolean) => page.evaluate(`window.__hidden = ${hidden}; document.dispatchEvent(new Event('visibilitychange'))`);
    await goAvailable(page);
    const toggle = page.getByLabel('Notifications et son quand l’onglet est caché');
    expect(await toggle.isChecked()).toBe(true);

    // Shown: the assignment arrives, with no browser notification.
    const shown = await citizenWrites('Premier citoyen, onglet visible');
    await waitUntil(async () => (await page.locator('.conversation-item').count()) === 1, 'first conversation listed');
    expect(await notifications()).toEqual([]);

    // Hidden: an assignment, then a citizen's message, each notified (the contact's name, never the citizen's words).
    await hide(true);
    const hidden = await citizenWrites('Second citoyen, onglet caché');
    await waitUntil(async () => (await notifications()).length === 1, 'the assignment is notified');
    const [assigned] = await notifications();
    expect(assigned.title).toBe('Nouvelle conversation');
    expect(assigned.body).not.toContain('onglet caché');
    await waitUntil(async () => (await page.locator('.conversation-item').count()) === 2, 'second conversation listed');
    await citizenSays(hidden, 'Vous êtes là ?');
    await waitUntil(async () => (await notifications()).length === 2, 'the citizen’s message is notified');
    expect((await notifications())[1].title).toBe('Nouveau message');

    // Switched off (kept for this agent in this browser): hidden again, a citizen writes, nothing is notified.
    await hide(false);
    await toggle.uncheck();
    const stored = `Object.keys(localStorage).filter((key) => key.startsWith('brigade.desk.attention.')).map((key) => localStorage.getItem(key))`;
    expect(await page.evaluate(stored)).toEqual(['off']);
    await hide(true);
    await citizenSays(shown, 'Un message pendant que les alertes sont coupées');
    const firstRow = page.locator('.conversation-item', { hasText: 'alertes sont coupées' });
    await firstRow.waitFor({ timeout: DEADLINE_MS });
    expect(await firstRow.getByTestId('unread').count()).toBe(1);
    expect((await notifications()).length).toBe(2);
  }, 90_000);
});

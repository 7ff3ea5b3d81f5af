// The widget in the DSFR's dark palette (the citizen's device asks for it), and a switch between its languages: the
// platform's automatic messages said earlier follow it, the stored conversation does not change.
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import type { DeskAssignmentEvent } from '@brigade/realtime';
import { EMERGENCY_MESSAGE, TOPIC_MENU } from '@brigade/triage';
import { TEXTS } from '../../apps/widget/web/src/i18n';
import { artifactPath, launchBrowser } from '../support/browser';
import { DeskClient, connectDesk, login, newClientMessageId } from '../support/clients';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

const DESKTOP: BrowserContextOptions = { viewport: { width: 1366, height: 768 } };
const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const DARK: BrowserContextOptions = { colorScheme: 'dark' };

type Ack<T> = { ok: true; data: T } | { ok: false; error: string; status: number };

describe('citizen widget: dark theme and language switch in Chromium', () => {
  let platform: TestPlatform;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const sockets: DeskClient[] = [];

  beforeAll(async () => {
    platform = await startPlatform({ INTERFACE_STATE_BRAND: 'true' });
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
  });

  async function newPage(options: BrowserContextOptions, locale = 'fr-FR'): Promise<Page> {
    // bypassCSP lets the test inject axe-core into pages whose policy only allows the platform's own scripts.
    const context = await browser.newContext({ ...options, bypassCSP: true, locale });
    contexts.push(context);
    return context.newPage();
  }

  async function availableAgent() {
    const agent = await createAgent(platform.dataSource);
    const token = await login(platform.url, agent.login, TEST_PASSWORD);
    const desk = await connectDesk(platform.url, token);
    sockets.push(desk.socket);
    expect(((await desk.socket.emitWithAck('presence:set', { presence: 'available' })) as Ack<unknown>).ok).toBe(true);
    return { agent, token, ...desk };
  }

  async function openWidget(page: Page, launcher = TEXTS.fr.launcher, label = TEXTS.fr.messageLabel): Promise<void> {
    await page.goto(`${platform.url}/`);
    await page.getByRole('button', { name: launcher }).click();
    await page.getByLabel(label).waitFor();
    await page.waitForFunction(`document.fonts.check('1rem Marianne')`);
    await page.evaluate(`document.fonts.ready`);
  }

  async function send(page: Page, text: string, label = TEXTS.fr.messageLabel): Promise<void> {
    await page.getByLabel(label).fill(text);
    await page.getByLabel(label).press('Enter');
  }

  const widget = (page: Page) => page.locator('#brigade-widget');
  const messages = (page: Page) => page.locator('#brigade-widget li.message');
  const systemTexts = (page: Page) => page.locator('#brigade-widget li.message--system .message__text').allTextContents();

  /** Waits until the widget shows the automatic messages with exactly these beginnings, in order. */
  async function expectSystemMessages(page: Page, beginnings: string[]): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const texts = await systemTexts(page);
      if (texts.length === beginnings.length && texts.every((text, index) => text.startsWith(beginnings[index]))) return;
      if (Date.now() > deadline) expect(texts).toEqual(beginnings);
      await page.waitForTimeout(100);
    }
  }

  /** The status line says this (it is rewritten in place on every change). */
  async function expectStatus(page: Page, text: string): Promise<void> {
    await widget(page).getByRole('status').filter({ hasText: text }).first().waitFor({ timeout: 30_000 });
  }

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

  /** Computed colours of the widget's main surfaces, as the citizen sees them. */
  async function colours(page: Page) {
    return (await page.evaluate(`(() => {
      const root = document.querySelector('#brigade-widget').shadowRoot;
      const style = (selector) => getComputedStyle(root.querySelector(selector));
      return {
        panel: style('section.panel').backgroundColor,
        title: style('.title').color,
        send: style('.btn--send').backgroundColor,
        exit: style('[data-quick-exit]').backgroundColor,
        composer: style('.composer textarea').backgroundColor,
      };
    })()`)) as Record<string, string>;
  }

  /** A short conversation: the citizen writes, a gendarme takes it and answers. */
  async function converse(page: Page) {
    const gendarme = await availableAgent();
    const assigned = gendarme.log.waitFor<DeskAssignmentEvent>('conversation:assigned');
    await send(page, 'Bonjour, on a rayé ma voiture cette nuit devant chez moi.');
    const { conversation } = await assigned;
    await expectStatus(page, `${gendarme.agent.displayName} vous répond.`);
    const ack = (await gendarme.socket.emitWithAck('message:send', {
      conversationId: conversation.id,
      clientMessageId: newClientMessageId(),
      text: 'Bonjour, je suis le gendarme en charge de votre demande. Avez-vous relevé une plaque ou vu quelqu’un ?',
    })) as Ack<unknown>;
    expect(ack.ok).toBe(true);
    await messages(page).getByText('Avez-vous relevé une plaque').waitFor();
    return { gendarme, conversationId: conversation.id };
  }

  it('follows a dark device on a 1366x768 desktop: the DSFR dark palette, readable and axe-core clean, before and during a conversation, folded and unfolded', async () => {
    const page = await newPage({ ...DESKTOP, ...DARK });
    await openWidget(page);
    // First read, nobody on duty: the notice unfolded and the "leave a message" offer, the composer still whole.
    await widget(page).locator('.contact-entry').waitFor();
    await widget(page).getByText('Ce service ne traite pas les urgences.').waitFor();
    const panel = await widget(page).locator('section.panel').boundingBox();
    const sendButton = await widget(page).getByRole('button', { name: TEXTS.fr.send }).boundingBox();
    expect(sendButton!.y + sendButton!.height).toBeLessThanOrEqual(panel!.y + panel!.height);
    await page.screenshot({ path: artifactPath('widget-dark-desktop-first.png') });
    expect(await seriousAxeViolations(page)).toEqual([]);
    await converse(page);
    await page.mouse.move(10, 10);
    // The DSFR's dark tokens: grey 1000-50 background, white titles, the lighter State blue and red.
    expect(await colours(page)).toEqual({
      panel: 'rgb(22, 22, 22)',
      title: 'rgb(255, 255, 255)',
      send: 'rgb(133, 133, 246)',
      exit: 'rgb(249, 92, 94)',
      composer: 'rgb(36, 36, 36)',
    });
    expect(await widget(page).locator('.brand').isVisible()).toBe(true);
    await page.screenshot({ path: artifactPath('widget-dark-desktop.png') });
    expect(await seriousAxeViolations(page)).toEqual([]);

    await widget(page).getByRole('button', { name: TEXTS.fr.noticeToggle }).click();
    await widget(page).getByText('Ce service ne traite pas les urgences.').waitFor();
    await page.screenshot({ path: artifactPath('widget-dark-desktop-unfolded.png') });
    expect(await seriousAxeViolations(page)).toEqual([]);

    // The end screen too.
    await widget(page).getByRole('button', { name: TEXTS.fr.end }).click();
    await widget(page).getByRole('heading', { name: TEXTS.fr.endTitle }).waitFor();
    await page.screenshot({ path: artifactPath('widget-dark-desktop-end.png') });
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it('follows a dark device on a 390x844 phone, full screen and axe-core clean; the same widget stays light on a light device', async () => {
    const page = await newPage({ ...PHONE, ...DARK });
    await openWidget(page);
    await converse(page);
    expect((await colours(page)).panel).toBe('rgb(22, 22, 22)');
    const panel = await widget(page).locator('section.panel').boundingBox();
    expect(panel).toEqual({ x: 0, y: 0, width: 390, height: 844 });
    await page.screenshot({ path: artifactPath('widget-dark-phone.png') });
    expect(await seriousAxeViolations(page)).toEqual([]);

    // The device switches back to light: the widget follows at once, without a reload.
    await page.emulateMedia({ colorScheme: 'light' });
    expect((await colours(page)).panel).toBe('rgb(255, 255, 255)');
    expect((await colours(page)).send).toBe('rgb(0, 0, 145)');
    await page.screenshot({ path: artifactPath('widget-light-phone.png') });
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it('shows the earlier automatic messages in English, German, Italian and Spanish as the citizen switches from French, while the desk keeps what was said', async () => {
    const page = await newPage(DESKTOP);
    await openWidget(page);
    await send(page, 'Bonjour, ma voiture a été rayée cette nuit.');
    const { fr, en, de } = platform.config.routing.acknowledgementTexts;
    await expectSystemMessages(page, [fr, TOPIC_MENU.fr.heading]);
    await expectStatus(page, TEXTS.fr.queuePosition(1));
    await send(page, '0');
    await expectSystemMessages(page, [fr, TOPIC_MENU.fr.heading, EMERGENCY_MESSAGE.fr]);

    await widget(page).getByRole('combobox', { name: TEXTS.fr.languageLabel }).selectOption('en');
    await expectSystemMessages(page, [en, TOPIC_MENU.en.heading, EMERGENCY_MESSAGE.en]);
    const menu = (await systemTexts(page))[1];
    expect(menu).toContain(`0. ${TOPIC_MENU.en.emergency}`);
    expect(menu).not.toMatch(/Pour mieux|urgence/);
    await expectStatus(page, TEXTS.en.queuePosition(1));
    expect(await widget(page).getByTestId('emergency-line').textContent()).toBe(TEXTS.en.emergencyShort);
    // The citizen's own words are theirs: never translated.
    await messages(page).getByText('Bonjour, ma voiture a été rayée cette nuit.').waitFor();

    // German, Italian and Spanish the same way (the browser-language tests of widget.e2e-spec.ts cover a conversation
    // started in each of them), then back to English.
    for (const language of ['de', 'it', 'es', 'en'] as const) {
      const previous = await widget(page).getByTestId('language').inputValue();
      await widget(page).getByRole('combobox', { name: TEXTS[previous as keyof typeof TEXTS].languageLabel }).selectOption(language);
      const acknowledgement = platform.config.routing.acknowledgementTexts[language];
      await expectSystemMessages(page, [acknowledgement, TOPIC_MENU[language].heading, EMERGENCY_MESSAGE[language]]);
      expect((await systemTexts(page))[1]).toContain(`0. ${TOPIC_MENU[language].emergency}`);
      await expectStatus(page, TEXTS[language].queuePosition(1));
    }

    // After a reload too: the widget tells the platform its language when it reconnects.
    await page.reload();
    await page.getByLabel(TEXTS.en.messageLabel).waitFor();
    await expectSystemMessages(page, [en, TOPIC_MENU.en.heading, EMERGENCY_MESSAGE.en]);

    // The end of the conversation follows as well.
    const gendarme = await availableAgent();
    const { conversation } = await gendarme.log.waitFor<DeskAssignmentEvent>('conversation:assigned');
    await expectStatus(page, TEXTS.en.assigned(gendarme.agent.displayName));
    const closed = await fetch(`${platform.url}/api/conversations/${conversation.id}/close`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${gendarme.token}` },
      body: JSON.stringify({ outcome: 'resolved' }),
    });
    expect(closed.status).toBe(201);
    await widget(page).getByRole('heading', { name: TEXTS.en.endTitle }).waitFor();
    await expectStatus(page, TEXTS.en.closedByAgent);
    await widget(page).getByRole('combobox', { name: TEXTS.en.languageLabel }).selectOption('de');
    await widget(page).getByRole('heading', { name: TEXTS.de.endTitle }).waitFor();
    await expectStatus(page, TEXTS.de.closedByAgent);
    await expectSystemMessages(page, [de, TOPIC_MENU.de.heading, EMERGENCY_MESSAGE.de]);

    // What the desk stores and shows is what the citizen was told at the time, in French.
    const stored: { text: string }[] = await platform.dataSource.query(
      `SELECT text FROM messages WHERE conversation_id = $1 AND author_type = 'system' ORDER BY created_at`,
      [conversation.id],
    );
    expect(stored.map((row) => row.text.split('\n')[0])).toEqual([fr, TOPIC_MENU.fr.heading, EMERGENCY_MESSAGE.fr]);
  });
});

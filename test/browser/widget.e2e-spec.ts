import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import type { DeskAssignmentEvent } from '@brigade/realtime';
import { artifactPath, launchBrowser } from '../support/browser';
import { DeskClient, connectDesk, login, newClientMessageId } from '../support/clients';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

const NEUTRAL_URL = 'https://www.google.fr/';
const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 800 } };
const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};

/** The element that has the keyboard focus inside the widget's shadow root (page code). */
const WIDGET_FOCUS = `document.querySelector('#brigade-widget')?.shadowRoot?.activeElement`;

type Ack<T> = { ok: true; data: T } | { ok: false; error: string; status: number };

describe('citizen web chat widget in Chromium', () => {
  let platform: TestPlatform;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const sockets: DeskClient[] = [];

  beforeAll(async () => {
    platform = await startPlatform();
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
    sockets.splice(0).forEach((socket) => socket.disconnect());
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });

  async function newContext(options: BrowserContextOptions = DESKTOP, locale = 'fr-FR'): Promise<BrowserContext> {
    // bypassCSP lets the test inject axe-core into pages whose policy only allows the platform's own scripts.
    const context = await browser.newContext({ ...options, bypassCSP: true, locale });
    // The quick exit's neutral site, answered locally: the test machine has no Internet access.
    await context.route(`${NEUTRAL_URL}**`, (route) =>
      route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>Recherche</title><h1>Recherche</h1>' }),
    );
    contexts.push(context);
    return context;
  }

  async function availableAgent() {
    const agent = await createAgent(platform.dataSource);
    const token = await login(platform.url, agent.login, TEST_PASSWORD);
    const desk = await connectDesk(platform.url, token);
    sockets.push(desk.socket);
    expect(((await desk.socket.emitWithAck('presence:set', { presence: 'available' })) as Ack<unknown>).ok).toBe(true);
    return { agent, token, ...desk };
  }

  /** What the desk does when the agent opens or closes a conversation (apps/desk/web/src/desk). */
  async function deskPost(token: string, path: string, body: unknown = {}): Promise<number> {
    const response = await fetch(`${platform.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    await response.arrayBuffer();
    return response.status;
  }

  async function reply(socket: DeskClient, conversationId: string, text: string) {
    const ack = (await socket.emitWithAck('message:send', {
      conversationId,
      clientMessageId: newClientMessageId(),
      text,
    })) as Ack<{ id: string }>;
    expect(ack.ok).toBe(true);
    return ack.ok ? ack.data.id : '';
  }

  async function openWidget(page: Page): Promise<void> {
    await page.goto(`${platform.url}/`);
    await page.getByRole('button', { name: 'Contacter un gendarme' }).click();
    await page.getByLabel('Votre message').waitFor();
  }

  async function sendFromWidget(page: Page, text: string): Promise<void> {
    await page.getByLabel('Votre message').fill(text);
    await page.getByLabel('Votre message').press('Enter');
  }

  function messages(page: Page) {
    return page.locator('#brigade-widget li.message');
  }

  async function seriousAxeViolations(page: Page) {
    await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
    // Page code as a string: the tests compile without the DOM library.
    const violations = (await page.evaluate(`axe.run(document).then((results) =>
      results.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((node) => node.target) })))`)) as {
      id: string;
      impact: string;
      targets: unknown[];
    }[];
    return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  }

  it('sends from the embedded widget to the agent, shows the reply, and continues after a reload with what arrived meanwhile', async () => {
    const gendarme = await availableAgent();
    const context = await newContext();
    const page = await context.newPage();
    await openWidget(page);
    expect(await page.locator('#brigade-widget').getByText('Ce service ne traite pas les urgences.').isVisible()).toBe(true);

    await sendFromWidget(page, 'Bonjour, on a rayé ma voiture cette nuit.');
    const assigned = await gendarme.log.waitFor<DeskAssignmentEvent>('conversation:assigned');
    expect(assigned.messages.filter((m) => m.author === 'citizen').map((m) => m.text)).toEqual([
      'Bonjour, on a rayé ma voiture cette nuit.',
    ]);
    const conversationId = assigned.conversation.id;
    await page.locator('[data-delivery="accepted"]').first().waitFor();
    await page.getByText(`${gendarme.agent.displayName} vous répond.`).waitFor();
    // The notice gives way to the conversation once it has started.
    expect(await page.getByText('Avant de commencer').isVisible()).toBe(false);

    // Typing both ways.
    await page.getByLabel('Votre message').pressSequentially('Merci', { delay: 20 });
    await gendarme.log.waitFor('conversation:typing', (event: { typing: boolean }) => event.typing);
    gendarme.socket.emit('typing', { conversationId, typing: true });
    await page.getByText('Un gendarme écrit…').waitFor();

    const replyId = await reply(gendarme.socket, conversationId, 'Bonjour, avez-vous relevé une plaque ?');
    await messages(page).getByText('Bonjour, avez-vous relevé une plaque ?').waitFor();
    expect(await page.getByText('Un gendarme écrit…').isVisible()).toBe(false);
    // The widget acknowledged the reply on screen: the agent sees it delivered.
    await gendarme.log.waitFor('message:status', (event: { messageId: string; status: string }) => event.messageId === replyId && event.status === 'delivered');
    // Screen readers hear it through the live region.
    expect(await page.locator('#brigade-widget div.sr-only[aria-live="polite"]').textContent()).toContain(
      'Bonjour, avez-vous relevé une plaque ?',
    );

    await page.reload();
    await messages(page).getByText('Bonjour, avez-vous relevé une plaque ?').waitFor();
    // The panel stays open across the reload and nothing is doubled.
    expect(await page.getByText('Bonjour, on a rayé ma voiture cette nuit.').count()).toBe(1);
    await page.close();

    // A reply arrives while no tab is open...
    const missedId = await reply(gendarme.socket, conversationId, 'Nous transmettons à la brigade de votre commune.');
    await gendarme.log.waitFor('message:status', (event: { messageId: string; status: string }) => event.messageId === missedId && event.status === 'sent');
    // ...and is there when the citizen comes back, in a new tab.
    const again = await context.newPage();
    await again.goto(`${platform.url}/`);
    await messages(again).getByText('Nous transmettons à la brigade de votre commune.').waitFor();
    // Each message once, in order (the platform's automatic messages may sit in between).
    const shown = await messages(again).allTextContents();
    const positions = [
      'Bonjour, on a rayé ma voiture cette nuit.',
      'Bonjour, avez-vous relevé une plaque ?',
      'Nous transmettons à la brigade de votre commune.',
    ].map((text) => {
      expect(shown.filter((item) => item.includes(text))).toHaveLength(1);
      return shown.findIndex((item) => item.includes(text));
    });
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    await gendarme.log.waitFor('message:status', (event: { messageId: string; status: string }) => event.messageId === missedId && event.status === 'delivered');
  });

  it('quick exit replaces the page with the neutral site, leaves nothing on the device and flags the conversation for the agent', async () => {
    const gendarme = await availableAgent();
    const context = await newContext();
    const page = await context.newPage();
    await openWidget(page);
    await sendFromWidget(page, 'Mon conjoint me menace, je ne peux pas parler.');
    const assigned = await gendarme.log.waitFor<DeskAssignmentEvent>('conversation:assigned');
    await page.locator('[data-delivery="accepted"]').first().waitFor();
    expect(await page.evaluate(`localStorage.getItem('brigade-widget')`)).toContain('token');

    await page.getByRole('button', { name: /Quitter et effacer/ }).click();
    await page.waitForURL(NEUTRAL_URL);
    expect(await page.title()).toBe('Recherche');

    const left = await gendarme.log.waitFor<{ conversationId: string }>('conversation:citizen-left');
    expect(left.conversationId).toBe(assigned.conversation.id);
    const [row] = await platform.dataSource.query(`SELECT citizen_left_at FROM conversations WHERE id = $1`, [
      assigned.conversation.id,
    ]);
    expect(row.citizen_left_at).not.toBeNull();

    // Back on the platform's origin (a page without the widget): the device kept nothing.
    const check = await context.newPage();
    await check.goto(`${platform.url}/demo.css`);
    expect(await check.evaluate(`({ local: localStorage.length, session: sessionStorage.length })`)).toEqual({
      local: 0,
      session: 0,
    });
    // And the chat opened again on this device starts from scratch.
    await openWidget(check);
    await check.getByText('Avant de commencer').waitFor();
    expect(await messages(check).count()).toBe(0);
  });

  it('is usable with the keyboard alone, passes axe-core without serious issues, and is photographed on desktop and phone', async () => {
    const gendarme = await availableAgent();
    for (const [name, options] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      const context = await newContext(options);
      const page = await context.newPage();
      await page.goto(`${platform.url}/`);
      const launcher = page.getByRole('button', { name: 'Contacter un gendarme' });
      await launcher.focus();
      await page.keyboard.press('Enter');
      // Focus moves into the panel's message box.
      await page.waitForFunction(`${WIDGET_FOCUS}?.id === 'bw-text'`);
      await page.keyboard.type(`Bonjour depuis le ${name}`);
      await page.keyboard.press('Enter');
      await messages(page).getByText(`Bonjour depuis le ${name}`).waitFor();
      await page.locator('[data-delivery="accepted"]').first().waitFor();

      expect(await seriousAxeViolations(page)).toEqual([]);
      await page.screenshot({ path: artifactPath(`widget-${name}.png`) });

      // Escape closes the panel and gives focus back to the launcher.
      await page.keyboard.press('Escape');
      await page.waitForFunction(`${WIDGET_FOCUS}?.classList.contains('launcher') === true`);

      // English on request, and the end screen (rating, transcript) passes too.
      await launcher.click();
      await page.getByRole('combobox', { name: 'Langue' }).selectOption('en');
      await page.getByLabel('Your message').waitFor();
      await page.getByRole('button', { name: 'End the conversation' }).click();
      await page.getByRole('heading', { name: 'End of the conversation' }).waitFor();
      expect(await seriousAxeViolations(page)).toEqual([]);
      await page.screenshot({ path: artifactPath(`widget-end-${name}.png`) });
    }
    expect(gendarme.log.all('conversation:assigned').length).toBeGreaterThanOrEqual(1);
  }, 90_000);

  it.each([
    ['de-DE', 'Einen Gendarm kontaktieren', 'Ihre Nachricht', 'Guten Tag, Ihre Nachricht ist eingegangen', 'Damit wir Sie richtig weiterleiten', 'Sie sind als Nächste(r) an der Reihe.', 'Ein Gendarm übernimmt Ihr Gespräch vorrangig'],
    ['it-IT', 'Contattare un gendarme', 'Il suo messaggio', 'Buongiorno, il suo messaggio è stato ricevuto', 'Per indirizzarla meglio', 'È il prossimo o la prossima.', 'Un gendarme prende in carico la sua conversazione'],
    ['es-ES', 'Contactar con un gendarme', 'Su mensaje', 'Hola, hemos recibido su mensaje', 'Para orientarle mejor', 'Es usted el siguiente o la siguiente.', 'Un gendarme atiende su conversación con prioridad'],
    ['en-GB', 'Contact a gendarme', 'Your message', 'Hello, your message has been received', 'To direct you, reply with a number', 'You are next in line.', 'A gendarme is taking your conversation first'],
  ])('speaks the browser’s language (%s): widget, acknowledgement, topic menu, queue position, emergency advice', async (locale, launcherName, messageLabel, acknowledgement, menu, position, emergencyAdvice) => {
    const context = await newContext(DESKTOP, locale);
    const page = await context.newPage();
    await page.goto(`${platform.url}/`);
    await page.getByRole('button', { name: launcherName }).click();
    await page.getByLabel(messageLabel).fill('1234');
    await page.getByLabel(messageLabel).press('Enter');
    await messages(page).getByText(acknowledgement).waitFor();
    await messages(page).getByText(menu).waitFor();
    // Nobody on duty: the citizen is told where they stand, in their language.
    await page.locator('#brigade-widget').getByText(position).waitFor();
    await page.getByLabel(messageLabel).fill('0');
    await page.getByLabel(messageLabel).press('Enter');
    await messages(page).getByText(emergencyAdvice).waitFor();
    const [row] = await platform.dataSource.query(`SELECT language FROM conversations`);
    expect(row.language).toBe(locale.slice(0, 2));
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: artifactPath(`widget-language-${locale}.png`) });
  });

  it('offers the full-page chat, accessible as well, with a rating stored and a transcript to download', async () => {
    await availableAgent();
    const context = await newContext(PHONE);
    const page = await context.newPage();
    await page.goto(`${platform.url}/widget/index.html`);
    await sendFromWidget(page, 'Question sur une procuration');
    await page.locator('[data-delivery="accepted"]').first().waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Terminer la conversation' }).click();
    await page.getByLabel('5 sur 5 : très satisfait(e)').check();
    await page.getByRole('button', { name: 'Envoyer mon avis' }).click();
    await page.getByText('Merci pour votre avis.').waitFor();
    const [row] = await platform.dataSource.query(`SELECT citizen_rating FROM conversations`);
    expect(row.citizen_rating).toBe(5);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Télécharger la conversation' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^conversation-gendarmerie-\d{4}-\d{2}-\d{2}\.txt$/);
    const path = await download.path();
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('Conversation avec la gendarmerie');
    expect(text).toContain('Vous :\nQuestion sur une procuration');
    await page.screenshot({ path: artifactPath('widget-page-end-phone.png') });
  });

  it('shows "Lu" once the gendarme opens the conversation, says plainly when the gendarme closes it, and reopens on a new message', async () => {
    const gendarme = await availableAgent();
    const context = await newContext();
    const page = await context.newPage();
    await openWidget(page);
    await sendFromWidget(page, 'Mon portefeuille a été retrouvé ?');
    const assigned = await gendarme.log.waitFor<DeskAssignmentEvent>('conversation:assigned');
    const conversationId = assigned.conversation.id;
    const own = messages(page).filter({ hasText: 'Mon portefeuille a été retrouvé ?' });
    await own.locator('[data-delivery="accepted"]').waitFor();

    // The gendarme opens the conversation on the desk: the citizen sees "Lu" live, in French or English.
    expect(await deskPost(gendarme.token, `/api/conversations/${conversationId}/read`)).toBe(200);
    await own.locator('[data-delivery="read"]').getByText('Lu', { exact: true }).waitFor();
    await page.getByRole('combobox', { name: 'Langue' }).selectOption('en');
    await own.locator('[data-delivery="read"]').getByText('Read', { exact: true }).waitFor();
    await page.getByRole('combobox', { name: 'Language' }).selectOption('fr');
    // Still read after a reload: the state comes from the database.
    await page.reload();
    await messages(page).filter({ hasText: 'Mon portefeuille a été retrouvé ?' }).locator('[data-delivery="read"]').waitFor();

    // The gendarme closes it: a plain closing message, the rating and the transcript are offered at once.
    expect(await deskPost(gendarme.token, `/api/conversations/${conversationId}/close`, { outcome: 'resolved' })).toBe(201);
    const widget = page.locator('#brigade-widget');
    await widget.getByText('Le gendarme a terminé la conversation. Si vous avez encore besoin d’aide').waitFor();
    await widget.getByRole('status').getByText('Le gendarme a terminé la conversation.').waitFor();
    expect(await page.getByRole('button', { name: 'Envoyer mon avis' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Télécharger la conversation' }).isVisible()).toBe(true);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: artifactPath('widget-closed-by-agent.png') });
    await page.getByLabel('4 sur 5').check();
    await page.getByRole('button', { name: 'Envoyer mon avis' }).click();
    await page.getByText('Merci pour votre avis.').waitFor();
    expect((await platform.dataSource.query(`SELECT citizen_rating FROM conversations WHERE id = $1`, [conversationId]))[0]).toEqual({
      citizen_rating: 4,
    });

    // Writing again reopens the same conversation, back to the same gendarme.
    await page.getByRole('button', { name: 'Revenir à la conversation' }).click();
    await sendFromWidget(page, 'Encore une question, pardon.');
    const reopened = await gendarme.log.waitFor<DeskAssignmentEvent>('conversation:assigned', (event) => event.reason === 'reopened');
    expect(reopened.conversation.id).toBe(conversationId);
    await page.getByText(`${gendarme.agent.displayName} vous répond.`).waitFor();
  });

  it('keeps an over-long message in the box with a clear explanation instead of sending it', async () => {
    const context = await newContext();
    const page = await context.newPage();
    await openWidget(page);
    await page.getByLabel('Votre message').fill('x'.repeat(2001));
    await page.getByLabel('Votre message').press('Enter');
    await page.getByRole('alert').getByText('Votre message est trop long : 2000 caractères au maximum.').waitFor();
    expect(await messages(page).count()).toBe(0);
    expect(await page.getByLabel('Votre message').inputValue()).toHaveLength(2001);
  });
});

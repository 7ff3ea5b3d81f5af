// The widget's look on the French State design system: roomy desktop panel, full screen on phones, 320 px reflow,
// folded notices, the quick exit always in view, reduced motion, axe-core, and the State brand block as a setting.
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import type { DeskAssignmentEvent } from '@brigade/realtime';
import { artifactPath, launchBrowser } from '../support/browser';
import { DeskClient, connectDesk, login, newClientMessageId } from '../support/clients';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

const DESKTOP: BrowserContextOptions = { viewport: { width: 1366, height: 768 } };
const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const NARROW: BrowserContextOptions = { viewport: { width: 320, height: 640 } };


type Ack<T> = { ok: true; data: T } | { ok: false; error: string; status: number };
type Box = { x: number; y: number; width: number; height: number };

describe('citizen web chat widget design (DSFR) in Chromium', () => {
  let platform: TestPlatform;
  let browser: Browser;
  // A commune's website embedding the widget from the platform: another origin (localhost, the platform being on
  // 127.0.0.1), served by a real loopback server (Chromium refuses requests from a faked public page to loopback).
  let embeddingServer: Server;
  let embeddingSite = '';
  const contexts: BrowserContext[] = [];
  const sockets: DeskClient[] = [];

  beforeAll(async () => {
    embeddingServer = createServer((_request, response) => {
      response.setHeader('content-type', 'text/html; charset=utf-8');
      response.end(`<!doctype html><html lang="fr"><title>Mairie</title><h1>Mairie d’Exemple</h1>
        <script src="${platform.url}/widget/brigade-widget.js" defer></script></html>`);
    });
    await new Promise<void>((resolve) => embeddingServer.listen(0, '127.0.0.1', resolve));
    embeddingSite = `http://localhost:${(embeddingServer.address() as AddressInfo).port}`;
    platform = await startPlatform({ INTERFACE_STATE_BRAND: 'true', WEBCHAT_ALLOWED_ORIGINS: embeddingSite });
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await platform?.close();
    await new Promise((resolve) => embeddingServer?.close(resolve));
  });
  beforeEach(async () => {
    await resetDatabase(platform.dataSource);
  });
  afterEach(async () => {
    sockets.splice(0).forEach((socket) => socket.disconnect());
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });

  async function newPage(options: BrowserContextOptions, extra: BrowserContextOptions = {}): Promise<Page> {
    // bypassCSP lets the test inject axe-core into pages whose policy only allows the platform's own scripts.
    const context = await browser.newContext({ ...options, ...extra, bypassCSP: true, locale: 'fr-FR' });
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

  async function openWidget(page: Page): Promise<void> {
    await page.goto(`${platform.url}/`);
    await page.getByRole('button', { name: 'Contacter un gendarme' }).click();
    await page.getByLabel('Votre message').waitFor();
    // The design system's stylesheet and the Marianne font are served by the platform.
    await page.waitForFunction(`document.fonts.check('1rem Marianne')`);
    await page.evaluate(`document.fonts.ready`);
  }

  /** A short conversation: the citizen writes twice, the gendarme answers. */
  async function converse(page: Page): Promise<void> {
    const gendarme = await availableAgent();
    const assigned = new Promise<DeskAssignmentEvent>((resolve) => gendarme.socket.once('conversation:assigned', resolve));
    await send(page, 'Bonjour, on a rayé ma voiture cette nuit devant chez moi.');
    const { conversation } = await assigned;
    await page.getByText(`${gendarme.agent.displayName} vous répond.`).waitFor();
    const ack = (await gendarme.socket.emitWithAck('message:send', {
      conversationId: conversation.id,
      clientMessageId: newClientMessageId(),
      text: 'Bonjour, je suis le gendarme en charge de votre demande. Avez-vous relevé une plaque ou vu quelqu’un ?',
    })) as Ack<unknown>;
    expect(ack.ok).toBe(true);
    await messages(page).getByText('Avez-vous relevé une plaque').waitFor();
    await send(page, 'Non, mais une voisine a peut-être vu quelque chose.');
    await page.locator('[data-delivery="accepted"]').nth(1).waitFor();
  }

  async function send(page: Page, text: string): Promise<void> {
    await page.getByLabel('Votre message').fill(text);
    await page.getByLabel('Votre message').press('Enter');
  }

  function messages(page: Page) {
    return page.locator('#brigade-widget li.message');
  }

  async function panelBox(page: Page): Promise<Box> {
    const box = await page.locator('#brigade-widget section.panel').boundingBox();
    if (!box) throw new Error('the panel is not shown');
    return box;
  }

  /** The quick exit is shown, inside the viewport, and large enough to tap. */
  async function expectQuickExitInView(page: Page): Promise<void> {
    const exit = page.getByRole('button', { name: /Quitter et effacer/ });
    expect(await exit.isVisible()).toBe(true);
    const box = await exit.boundingBox();
    const viewport = page.viewportSize()!;
    expect(box).not.toBeNull();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(viewport.width);
    expect(box!.y + box!.height).toBeLessThanOrEqual(viewport.height);
    expect(box!.height).toBeGreaterThanOrEqual(40);
  }

  /** The panel's elements that overflow sideways (reflow: none should, nothing may need a horizontal scroll). */
  async function noHorizontalScroll(page: Page): Promise<string[]> {
    return (await page.evaluate(`(() => {
      const panel = document.querySelector('#brigade-widget').shadowRoot.querySelector('section.panel');
      const box = panel.getBoundingClientRect();
      return [panel, ...panel.querySelectorAll('*')]
        .filter((node) => node.getClientRects().length > 0)
        .filter((node) => {
          const rect = node.getBoundingClientRect();
          return rect.right > box.right + 1 || rect.left < box.left - 1;
        })
        .map((node) => node.tagName + '.' + node.className);
    })()`)) as string[];
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

  function notices(page: Page) {
    const widget = page.locator('#brigade-widget');
    return {
      line: widget.getByTestId('emergency-line'),
      toggle: widget.getByRole('button', { name: 'En savoir plus' }),
      body: widget.getByText('Ce service ne traite pas les urgences.'),
    };
  }

  it('on a 1366x768 desktop: a roomy DSFR panel, the notices folded to one line once the conversation starts, the brand block, axe-core clean', async () => {
    const page = await newPage(DESKTOP);
    await openWidget(page);
    const { line, toggle, body } = notices(page);
    // First read: the whole notice is open.
    expect(await body.isVisible()).toBe(true);
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    await converse(page);

    // Folded to one line, the emergency numbers still shown.
    expect(await body.isVisible()).toBe(false);
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await line.textContent()).toBe('Urgence : 17 ou 112 (SMS 114)');
    await page.screenshot({ path: artifactPath('widget-design-desktop.png') });
    const bar = await page.locator('#brigade-widget .notices').boundingBox();
    expect(bar!.height).toBeLessThanOrEqual(48);

    const panel = await panelBox(page);
    expect(panel.width).toBeGreaterThanOrEqual(400);
    expect(panel.width).toBeLessThanOrEqual(440);
    expect(panel.height).toBeGreaterThanOrEqual(640);
    // The conversation gets the room: at least 300 px of messages.
    const scroller = await page.locator('#brigade-widget .scroll').boundingBox();
    expect(scroller!.height).toBeGreaterThanOrEqual(300);

    // Away from the send button, which sits where the launcher was (a hovered button is a lighter blue).
    await page.mouse.move(10, 10);
    // The DSFR: Marianne, the State blue on the send button, the brand block the deployer turned on.
    const look = (await page.evaluate(`(() => {
      const root = document.querySelector('#brigade-widget').shadowRoot;
      return {
        font: getComputedStyle(root.querySelector('.title')).fontFamily,
        send: getComputedStyle(root.querySelector('.btn--send')).backgroundColor,
        exit: getComputedStyle(root.querySelector('[data-quick-exit]')).backgroundColor,
      };
    })()`)) as { font: string; send: string; exit: string };
    expect(look.font).toMatch(/^Marianne/);
    expect(look.send).toBe('rgb(0, 0, 145)');
    expect(look.exit).toBe('rgb(201, 25, 30)');
    expect(await page.locator('#brigade-widget .brand').isVisible()).toBe(true);
    await expectQuickExitInView(page);

    await page.screenshot({ path: artifactPath('widget-design-desktop.png') });
    expect(await seriousAxeViolations(page)).toEqual([]);

    // One tap unfolds; the choice holds after a reload in this tab.
    await toggle.click();
    expect(await body.isVisible()).toBe(true);
    // Unfolded, the composer stays whole inside the panel.
    const send = await page.getByRole('button', { name: 'Envoyer' }).boundingBox();
    expect(send!.y + send!.height).toBeLessThanOrEqual(panel.y + panel.height);
    await page.screenshot({ path: artifactPath('widget-design-desktop-unfolded.png') });
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.reload();
    await page.getByLabel('Votre message').waitFor();
    await messages(page).getByText('Avez-vous relevé une plaque').waitFor();
    expect(await body.isVisible()).toBe(true);
    await toggle.click();
    expect(await body.isVisible()).toBe(false);
  });

  it('on a 390x844 phone: full screen, the quick exit in view, the notices unfold on tap, axe-core clean', async () => {
    const page = await newPage(PHONE);
    await openWidget(page);
    await converse(page);
    const panel = await panelBox(page);
    expect(panel).toEqual({ x: 0, y: 0, width: 390, height: 844 });
    await expectQuickExitInView(page);
    await page.screenshot({ path: artifactPath('widget-design-phone.png') });
    expect(await noHorizontalScroll(page)).toEqual([]);
    expect(await seriousAxeViolations(page)).toEqual([]);

    const { toggle, body } = notices(page);
    await toggle.tap();
    expect(await body.isVisible()).toBe(true);
    await expectQuickExitInView(page);
    await page.screenshot({ path: artifactPath('widget-design-phone-unfolded.png') });
  });

  it('reflows at 320 px and at 200 % zoom without horizontal scrolling, the quick exit in view, axe-core clean', async () => {
    const page = await newPage(NARROW);
    await openWidget(page);
    await converse(page);
    await page.screenshot({ path: artifactPath('widget-design-320.png') });
    expect(await noHorizontalScroll(page)).toEqual([]);
    await expectQuickExitInView(page);
    expect(await page.getByRole('button', { name: 'Envoyer' }).isVisible()).toBe(true);
    expect(await seriousAxeViolations(page)).toEqual([]);

    // 200 % zoom on a 1280x720 screen is a 640x360 CSS viewport at twice the pixel density.
    const zoomed = await newPage({ viewport: { width: 640, height: 360 }, deviceScaleFactor: 2 });
    await openWidget(zoomed);
    expect(await panelBox(zoomed)).toEqual({ x: 0, y: 0, width: 640, height: 360 });
    expect(await noHorizontalScroll(zoomed)).toEqual([]);
    await expectQuickExitInView(zoomed);
    await zoomed.getByLabel('Votre message').focus();
    expect(await zoomed.getByLabel('Votre message').isVisible()).toBe(true);
    await zoomed.screenshot({ path: artifactPath('widget-design-zoom-200.png') });
  });

  it('shows a visible focus, honours reduced motion, and announces the gendarme’s messages politely', async () => {
    const page = await newPage(DESKTOP, { reducedMotion: 'reduce' });
    await openWidget(page);
    await converse(page);
    const motion = (await page.evaluate(`(() => {
      const root = document.querySelector('#brigade-widget').shadowRoot;
      return [root.querySelector('section.panel'), root.querySelector('li.message')].map((node) => getComputedStyle(node).animationName);
    })()`)) as string[];
    expect(motion).toEqual(['none', 'none']);
    const live = page.locator('#brigade-widget div.sr-only[aria-live="polite"]');
    expect(await live.textContent()).toContain('Avez-vous relevé une plaque');

    await page.keyboard.press('Shift+Tab');
    const outline = (await page.evaluate(`(() => {
      const active = document.querySelector('#brigade-widget').shadowRoot.activeElement;
      const style = getComputedStyle(active);
      return { width: style.outlineWidth, style: style.outlineStyle };
    })()`)) as { width: string; style: string };
    expect(outline.style).not.toBe('none');
    expect(parseFloat(outline.width)).toBeGreaterThanOrEqual(2);

    // Without the preference, the panel and messages do move in.
    const moving = await newPage(DESKTOP, { reducedMotion: 'no-preference' });
    await openWidget(moving);
    const animation = (await moving.evaluate(
      `getComputedStyle(document.querySelector('#brigade-widget').shadowRoot.querySelector('section.panel')).animationName`,
    )) as string;
    expect(animation).toBe('bw-rise');
  });

  it('on another website: the script, the DSFR styles, the Marianne font and the icons all come from the platform', async () => {
    const page = await newPage(DESKTOP);
    const failed: string[] = [];
    page.on('requestfailed', (request) => failed.push(`${request.url()} ${request.failure()?.errorText ?? ''}`));
    const served = await fetch(`${platform.url}/widget/brigade-widget.js`);
    await served.arrayBuffer();
    expect(served.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    await page.goto(`${embeddingSite}/contact`);
    // Any refusal (CORS, Cross-Origin-Resource-Policy, CSP) shows up here before the launcher would time out.
    await page.getByRole('button', { name: 'Contacter un gendarme' }).waitFor({ timeout: 5_000 }).catch(() => expect(failed).toEqual([]));
    await page.getByRole('button', { name: 'Contacter un gendarme' }).click();
    await page.getByLabel('Votre message').waitFor();
    await page.waitForFunction(`document.fonts.check('1rem Marianne')`);
    await page.evaluate(`document.fonts.ready`);
    const look = (await page.evaluate(`(() => {
      const root = document.querySelector('#brigade-widget').shadowRoot;
      return {
        font: getComputedStyle(root.querySelector('.title')).fontFamily,
        fontLoaded: [...document.fonts].some((face) => face.family.replace(/"/g, '') === 'Marianne' && face.status === 'loaded'),
        dsfr: getComputedStyle(root.querySelector('[data-quick-exit]')).getPropertyValue('--hover').trim() !== '',
        icon: getComputedStyle(root.querySelector('.icon--exit')).maskImage,
      };
    })()`)) as { font: string; fontLoaded: boolean; dsfr: boolean; icon: string };
    expect(look.font).toMatch(/^Marianne/);
    expect(look.fontLoaded).toBe(true);
    expect(look.icon).toContain(`${platform.url}/widget/dsfr/icons/system/logout-box-r-line.svg`);
    expect(failed).toEqual([]);
    await page.screenshot({ path: artifactPath('widget-design-embedded.png') });
  });

  it('hides the State brand block when the deployer did not turn it on', async () => {
    const neutral = await startPlatform({ INTERFACE_STATE_BRAND: 'false' });
    try {
      const page = await newPage(DESKTOP);
      const settings = page.waitForResponse((response) => response.url().endsWith('/api/interface'));
      await page.goto(`${neutral.url}/`);
      await settings;
      await page.getByRole('button', { name: 'Contacter un gendarme' }).click();
      await page.getByLabel('Votre message').waitFor();
      expect(await page.locator('#brigade-widget .brand').isVisible()).toBe(false);
      expect(await page.locator('#brigade-widget .title').isVisible()).toBe(true);
    } finally {
      await neutral.close();
    }
  });
});

import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { EmailTokens } from '@brigade/channels';
import { LoopbackSmtpServer } from '@brigade/testing';
import { artifactPath, launchBrowser } from '../support/browser';
import { resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

const DESKTOP: BrowserContextOptions = { viewport: { width: 1366, height: 768 } };
const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

/** The contact page's and the widget's shadow roots: the element that has the keyboard focus (page code). */
const CONTACT_FOCUS = `document.querySelector('#brigade-contact')?.shadowRoot?.activeElement`;

describe('"Laisser un message" in Chromium: the contact page and the widget form', () => {
  let platform: TestPlatform;
  let browser: Browser;
  let outbox: LoopbackSmtpServer;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    outbox = await LoopbackSmtpServer.start();
    platform = await startPlatform({
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(outbox.port),
      MAIL_FROM: 'Brigade numérique <ne-pas-repondre@brigade.test>',
      CONTACT_FORM_PER_MINUTE: '100',
    });
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await platform?.close();
    await outbox?.close();
  });
  beforeEach(async () => {
    await resetDatabase(platform.dataSource);
    outbox.reset();
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });

  async function newPage(options: BrowserContextOptions, locale = 'fr-FR'): Promise<Page> {
    // bypassCSP lets the test inject axe-core into pages whose policy only allows the platform's own scripts.
    const context = await browser.newContext({ ...options, bypassCSP: true, locale });
    contexts.push(context);
    return context.newPage();
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

  async function emailConversations(): Promise<{ queue: string; priority: number; text: string; external_id: string; language: string }[]> {
    return platform.dataSource.query(
      `SELECT c.queue, c.priority, c.language, m.text, i.external_id FROM conversations c
         JOIN channel_identities i ON i.id = c.identity_id
         JOIN messages m ON m.conversation_id = c.id AND m.author_type = 'citizen'
        WHERE c.channel = 'email' ORDER BY c.created_at`,
    );
  }

  async function waitForConversations(count: number) {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const rows = await emailConversations();
      if (rows.length >= count) return rows;
      if (Date.now() > deadline) throw new Error(`expected ${count} e-mail conversation(s), found ${rows.length}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('on its own page: errors announced field by field, the message sent, in French on desktop and in English on a phone', async () => {
    const page = await newPage(DESKTOP);
    await page.goto(`${platform.url}/contact/`);
    await page.getByRole('heading', { name: 'Laisser un message', level: 2 }).waitFor();
    await page.getByRole('combobox', { name: 'Sujet de votre message' }).locator('option', { hasText: 'Signaler une infraction' }).waitFor({ state: 'attached' });
    expect(await page.title()).toBe('Laisser un message à la gendarmerie');

    // Sent empty: a summary in an alert, each field marked invalid with its message, the focus on the first one.
    await page.getByRole('button', { name: 'Envoyer le message' }).click();
    await page.getByRole('alert').filter({ hasText: 'Le formulaire contient 3 erreurs.' }).waitFor();
    const email = page.getByRole('textbox', { name: 'Votre adresse électronique' });
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    await page.waitForFunction(`${CONTACT_FOCUS}?.id === 'contact-email'`);
    // The error is part of the field's accessible description.
    expect(await email.getAttribute('aria-describedby')).toBe('contact-email-hint contact-email-error');
    expect(await page.locator('#brigade-contact #contact-email-error').textContent()).toBe('Indiquez votre adresse électronique.');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: artifactPath('contact-page-errors-desktop.png') });

    await email.fill('pas-une-adresse');
    await page.getByRole('combobox', { name: 'Sujet de votre message' }).selectOption({ label: 'Signaler une infraction (vol, arnaque, dégradation…)' });
    await page.getByRole('textbox', { name: 'Votre message' }).fill('On a rayé ma voiture cette nuit, rue des Lilas.');
    await page.getByRole('button', { name: 'Envoyer le message' }).click();
    await page.getByText('Adresse électronique invalide. Exemple : nom@domaine.fr').waitFor();
    await email.fill('  Lea.Dupont@exemple.fr ');
    await page.getByRole('button', { name: 'Envoyer le message' }).click();
    await page.getByRole('heading', { name: 'Message envoyé' }).waitFor();
    await page.getByText('Un gendarme vous répondra par courriel à l’adresse Lea.Dupont@exemple.fr.').waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: artifactPath('contact-page-sent-desktop.png') });

    const [conversation] = await waitForConversations(1);
    expect(conversation).toEqual({
      queue: 'offence',
      priority: 3,
      language: 'fr',
      text: 'On a rayé ma voiture cette nuit, rue des Lilas.',
      external_id: 'lea.dupont@exemple.fr',
    });
    // The acknowledgement goes to the citizen's mailbox.
    await outbox.waitFor((mail) => mail.envelopeTo.includes('lea.dupont@exemple.fr'));

    const phone = await newPage(PHONE, 'en-GB');
    await phone.goto(`${platform.url}/contact/`);
    await phone.getByRole('heading', { name: 'Leave a message', level: 2 }).waitFor();
    await phone.getByRole('combobox', { name: 'Subject of your message' }).locator('option', { hasText: 'Report an offence' }).waitFor({ state: 'attached' });
    await phone.getByRole('textbox', { name: 'Your e-mail address' }).fill('visitor@example.com');
    await phone.getByRole('button', { name: 'Send the message' }).click();
    await phone.getByText('Choose the subject of your message.').waitFor();
    expect(await seriousAxeViolations(phone)).toEqual([]);
    await phone.screenshot({ path: artifactPath('contact-page-errors-phone.png'), fullPage: true });
    await phone.getByRole('combobox', { name: 'Subject of your message' }).selectOption('general');
    await phone.getByRole('textbox', { name: 'Your message' }).fill('How do I renew my firearms licence?');
    await phone.getByRole('button', { name: 'Send the message' }).click();
    await phone.getByRole('heading', { name: 'Message sent' }).waitFor();
    await phone.screenshot({ path: artifactPath('contact-page-sent-phone.png') });
    const rows = await waitForConversations(2);
    expect(rows[1]).toMatchObject({ queue: 'general', language: 'en', external_id: 'visitor@example.com' });

    // The offer surge mode sends to a waiting citizen names their language in the link.
    await phone.goto(`${platform.url}/contact/?lang=de`);
    await phone.getByRole('heading', { name: 'Eine Nachricht hinterlassen', level: 2 }).waitFor();
  });

  it('in the widget: offered when no gendarme is on duty, sent from the panel on desktop and on a phone', async () => {
    for (const [name, options] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      const page = await newPage(options);
      await page.goto(`${platform.url}/`);
      await page.getByRole('button', { name: 'Contacter un gendarme' }).click();
      await page.getByText('Aucun gendarme n’est disponible pour discuter en ce moment.').waitFor();
      await page.screenshot({ path: artifactPath(`contact-widget-offer-${name}.png`) });
      await page.locator('#brigade-widget .contact-entry').getByRole('button', { name: 'Laisser un message' }).click();
      await page.getByRole('heading', { name: 'Laisser un message', level: 3 }).waitFor();
      await page.getByRole('combobox', { name: 'Sujet de votre message' }).locator('option', { hasText: 'Devenir gendarme' }).waitFor({ state: 'attached' });
      await page.getByRole('textbox', { name: 'Votre adresse électronique' }).fill(`candidat.${name}@exemple.fr`);
      await page.getByRole('combobox', { name: 'Sujet de votre message' }).selectOption('recruitment');
      await page.getByRole('textbox', { name: 'Votre message' }).fill(`Quelles sont les dates du prochain concours ? (${name})`);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await page.screenshot({ path: artifactPath(`contact-widget-form-${name}.png`) });
      await page.getByRole('button', { name: 'Envoyer le message' }).click();
      await page.getByRole('heading', { name: 'Message envoyé' }).waitFor();
      expect(await seriousAxeViolations(page)).toEqual([]);
      await page.screenshot({ path: artifactPath(`contact-widget-sent-${name}.png`) });
      // Back to the chat, whose message box is still there.
      await page.getByRole('button', { name: 'Revenir à la discussion' }).click();
      await page.locator('#brigade-widget #bw-text').waitFor();
      await page.waitForFunction(`document.querySelector('#brigade-widget').shadowRoot.activeElement?.id === 'bw-text'`);
    }
    const rows = await waitForConversations(2);
    expect(rows.map((row) => row.external_id)).toEqual(['candidat.desktop@exemple.fr', 'candidat.phone@exemple.fr']);
    expect(rows.every((row) => row.queue === 'recruitment')).toBe(true);
  });

  it('opens the web chat from an answer mail’s link, and shows the form with a notice for an altered link', async () => {
    const page = await newPage(DESKTOP);
    await page.goto(`${platform.url}/contact/`);
    await page.getByRole('combobox', { name: 'Sujet de votre message' }).locator('option', { hasText: 'Une question' }).waitFor({ state: 'attached' });
    await page.getByRole('textbox', { name: 'Votre adresse électronique' }).fill('suivi@exemple.fr');
    await page.getByRole('combobox', { name: 'Sujet de votre message' }).selectOption('general');
    await page.getByRole('textbox', { name: 'Votre message' }).fill('Première question');
    await page.getByRole('button', { name: 'Envoyer le message' }).click();
    await page.getByRole('heading', { name: 'Message envoyé' }).waitFor();
    const [{ id }] = (await waitUntilConversation()) as { id: string }[];
    const token = platform.app.get(EmailTokens).continueToken(id);

    await page.goto(`${platform.url}/contact/?suite=${encodeURIComponent(`${token}x`)}`);
    await page.getByText('Ce lien a expiré ou n’est pas valide.').waitFor();

    await page.goto(`${platform.url}/contact/?suite=${encodeURIComponent(token)}`);
    await page.waitForURL(`${platform.url}/widget/index.html`);
    await page.getByLabel('Votre message', { exact: true }).fill('Je continue par la discussion.');
    await page.getByLabel('Votre message', { exact: true }).press('Enter');
    const deadline = Date.now() + 15_000;
    for (;;) {
      const rows = (await platform.dataSource.query(`SELECT channel, contact_id FROM conversations ORDER BY created_at`)) as { channel: string; contact_id: string }[];
      if (rows.length === 2) {
        expect(rows.map((row) => row.channel)).toEqual(['email', 'webchat']);
        expect(rows[1].contact_id).toBe(rows[0].contact_id);
        break;
      }
      if (Date.now() > deadline) throw new Error('the web chat conversation was not opened');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    async function waitUntilConversation() {
      for (let i = 0; i < 150; i++) {
        const rows = await platform.dataSource.query(`SELECT id FROM conversations WHERE channel = 'email'`);
        if (rows.length > 0) return rows;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error('no e-mail conversation');
    }
  });
});

import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { LoopbackSmtpServer } from '@brigade/testing';
import { artifactPath, launchBrowser } from '../support/browser';
import { connectCitizen, login, newClientMessageId } from '../support/clients';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { pdfText } from '../support/pdf-text';
import { TestPlatform, startPlatform } from '../support/test-platform';


async function waitForText(locator: Locator, predicate: (text: string) => boolean, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    last = ((await locator.count()) > 0 ? await locator.first().textContent() : null) ?? '';
    if (predicate(last)) return last;
    if (Date.now() > deadline) throw new Error(`text never matched; last: "${last}"`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function seriousAxeViolations(page: Page) {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const violations = (await page.evaluate(`axe.run(document.querySelector('[data-testid="report-panel"]')).then((results) =>
    results.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((node) => node.target) })))`)) as {
    id: string;
    impact: string;
  }[];
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

describe('report form beside the conversation, in Chromium', () => {
  let platform: TestPlatform;
  let smtp: LoopbackSmtpServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const sockets: { disconnect(): unknown }[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    smtp = await LoopbackSmtpServer.start();
    platform = await startPlatform({
      AUTH_LOGIN_ATTEMPTS_PER_MINUTE: '1000',
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      MAIL_FROM: 'Brigade numérique <ne-pas-repondre@brigade.test>',
      REPORT_RETRY_BASE_MS: '100',
    });
    browser = await launchBrowser();
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await platform?.close();
    await smtp?.close();
  });
  beforeEach(async () => {
    await resetDatabase(platform.dataSource);
    await platform.dataSource.query(`DELETE FROM local_units`);
    smtp.reset();
  });
  afterEach(async () => {
    sockets.splice(0).forEach((socket) => socket.disconnect());
    await Promise.all(contexts.splice(0).map((context) => context.close()));
    expect(pageErrors.splice(0)).toEqual([]);
  });

  async function createUnit(unit: Record<string, unknown>) {
    const admin = await createAgent(platform.dataSource, { role: 'admin', onShift: false });
    const token = await login(platform.url, admin.login, TEST_PASSWORD);
    const response = await fetch(`${platform.url}/api/admin/units`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ type: 'brigade', phone: '02 32 00 00 00', ...unit }),
    });
    expect(response.status).toBe(201);
  }

  /** An available gendarme with a web chat conversation open on the desk. */
  async function deskWithConversation(citizenText: string) {
    const agent = await createAgent(platform.dataSource, { presence: 'offline' });
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'fr-FR', bypassCSP: true });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.stack ?? error.message));
    await page.goto(`${platform.url}/desk/`);
    await page.getByLabel('Identifiant').fill(agent.login);
    await page.getByLabel('Mot de passe').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await waitForText(page.getByTestId('connection'), (text) => text === 'Connecté', 30_000);
    await page.getByLabel('Présence').selectOption('available');
    await waitForText(page.getByTestId('duty'), (text) => text === 'En service');
    const citizen = await connectCitizen(platform.url);
    sockets.push(citizen.socket);
    await citizen.log.waitFor('session');
    await citizen.socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text: citizenText });
    await page.locator('.conversation-item').first().waitFor({ timeout: 20_000 });
    await page.locator('.conversation-item').first().click();
    await waitForText(page.getByTestId('messages'), (text) => text.includes(citizenText));
    return { page, citizen };
  }

  it('a gendarme finds the commune without accents, sees the competent unit, sends the report; the unit receives its PDF and the citizen is told', async () => {
    await createUnit({ code: 'bta-evreux', name: 'Brigade d’Évreux', email: 'bta.evreux@unit.test', communes: ['27229'] });
    const { page, citizen } = await deskWithConversation('Mon voisin a tagué ma voiture cette nuit');

    await page.getByRole('button', { name: 'Signalement' }).click();
    const panel = page.getByTestId('report-panel');
    await panel.getByLabel('Nature').selectOption('atteinte-biens');
    await panel.getByLabel('Commune des faits').fill('evreux');
    await panel.locator('button[data-commune="27229"]').click();
    expect(await waitForText(panel.getByTestId('routed-unit'), (text) => text.includes('Brigade d’Évreux'))).toContain('Unité compétente');
    await panel.getByLabel('Lieu précis').fill('Parking de la résidence des Tilleuls');
    await panel.getByLabel('Résumé des faits').fill('Tags sur le véhicule de la victime dans la nuit du 5 au 6.');
    await panel.locator('select[name="urgency"]').selectOption('prioritaire');
    await panel.getByLabel('La victime accepte d’être recontactée').check();
    await panel.getByLabel('Téléphone', { exact: true }).fill('06 11 22 33 44');
    // Only what the citizen and the gendarme wrote can be joined, not the platform's automatic messages.
    expect(await panel.locator('input[type="checkbox"][data-message-id]').count()).toBe(1);
    await panel.getByRole('checkbox', { name: 'Mon voisin a tagué ma voiture cette nuit' }).check();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await panel.getByRole('button', { name: 'Transmettre le signalement' }).click();

    await waitForText(panel.locator('[data-report-status]'), (text) => text.includes('remis'), 20_000);
    expect(await panel.locator('[data-delivery-status="sent"]').textContent()).toContain('E-mail : envoyé');
    const [mail] = await smtp.waitFor((received) => received.envelopeTo.includes('bta.evreux@unit.test'));
    const pdf = mail.parsed.attachments.find((part) => part.contentType === 'application/pdf');
    const text = await pdfText(pdf!.content);
    expect(text).toContain('Tags sur le véhicule');
    expect(text).toContain('Mon voisin a tagué ma voiture cette nuit');
    expect(text).toContain('06 11 22 33 44');
    const notice = await citizen.log.waitFor<{ text: string }>('message', (message) => message.text.includes('Brigade d’Évreux'));
    expect(notice.text).toContain('Votre signalement a été transmis à l’unité « Brigade d’Évreux »');
    await page.screenshot({ path: artifactPath('desk-report-form.png'), fullPage: true });
  }, 90_000);

  it('tells the gendarme when no unit covers the commune and sends to the chosen unit with a reason', async () => {
    await createUnit({ code: 'bta-evreux', name: 'Brigade d’Évreux', email: 'bta.evreux@unit.test', communes: ['27229'] });
    const { page } = await deskWithConversation('On m’a volé mon sac à Brest');
    await page.getByRole('button', { name: 'Signalement' }).click();
    const panel = page.getByTestId('report-panel');
    await panel.getByLabel('Commune des faits').fill('brest');
    await panel.locator('button[data-commune="29019"]').click();
    await waitForText(panel.getByTestId('routed-unit'), (text) => text.includes('Aucune unité ne couvre cette commune'));
    await panel.getByLabel('Résumé des faits').fill('Vol de sac à l’arraché.');
    const submit = panel.getByRole('button', { name: 'Transmettre le signalement' });
    expect(await submit.isDisabled()).toBe(true);
    await panel.getByLabel('Transmettre à une autre unité').selectOption({ label: 'Brigade d’Évreux' });
    await panel.getByLabel('Motif du choix de l’unité').fill('La victime habite Évreux');
    await submit.click();
    await waitForText(panel.locator('[data-report-status]'), (text) => text.includes('Brigade d’Évreux'), 20_000);
    const [row] = await platform.dataSource.query(`SELECT routing, override_reason FROM unit_reports`);
    expect(row).toEqual({ routing: 'override', override_reason: 'La victime habite Évreux' });
  }, 90_000);
});

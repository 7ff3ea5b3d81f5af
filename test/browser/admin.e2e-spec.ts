import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { artifactPath, launchBrowser } from '../support/browser';
import { connectCitizen, newClientMessageId } from '../support/clients';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

type Ack<T> = { ok: true; data: T } | { ok: false; error: string; status: number };

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

/** Serious and critical axe-core violations of the page. */
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

describe('administration pages in Chromium', () => {
  let platform: TestPlatform;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const sockets: { disconnect(): unknown }[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    platform = await startPlatform({ AUTH_LOGIN_ATTEMPTS_PER_MINUTE: '1000' });
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    sockets.splice(0).forEach((socket) => socket.disconnect());
    await Promise.all(contexts.splice(0).map((context) => context.close()));
    await browser?.close();
    await platform?.close();
  });
  beforeEach(async () => {
    await resetDatabase(platform.dataSource);
  });

  async function signIn(loginName: string, password: string, hash = '') {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR', bypassCSP: true });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.stack ?? error.message));
    await page.goto(`${platform.url}/desk/${hash}`);
    await page.getByLabel('Identifiant').fill(loginName);
    await page.getByLabel('Mot de passe').fill(password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await waitForText(page.getByTestId('connection'), (text) => text === 'Connecté');
    return page;
  }

  it('an admin creates an agent with a shift starting now; that agent signs in and receives a conversation', async () => {
    const admin = await createAgent(platform.dataSource, { role: 'admin', onShift: false });
    const console = await signIn(admin.login, TEST_PASSWORD, '#/admin');
    await console.getByRole('heading', { name: 'Administration' }).waitFor();

    const form = console.getByRole('form', { name: 'Créer l’agent' });
    await form.getByLabel('Identifiant').fill('gendarme.nouveau');
    await form.getByLabel('Nom affiché').fill('Gendarme Nouveau');
    await form.getByLabel('Compétences').fill('general, offence');
    await form.getByLabel('Capacité').fill('3');
    await form.getByLabel('Mot de passe').fill('mot de passe du nouveau');
    await form.getByRole('button', { name: 'Créer l’agent' }).click();
    await waitForText(console.getByTestId('admin-feedback'), (text) => text === 'Agent créé.');
    await waitForText(console.getByTestId('agents-table'), (text) => text.includes('gendarme.nouveau'));

    await console.getByRole('tab', { name: 'Planning' }).click();
    const shiftForm = console.getByRole('form', { name: 'Ajouter le service' });
    await waitForText(shiftForm.getByLabel('Agent'), (text) => text.includes('Gendarme Nouveau'));
    await shiftForm.getByLabel('Agent').selectOption({ label: 'Gendarme Nouveau (gendarme.nouveau)' });
    // The form opens on a shift starting now (in the deployment's zone, ROSTER_TIME_ZONE) and lasting eight hours.
    await shiftForm.getByRole('button', { name: 'Ajouter le service' }).click();
    await waitForText(console.getByTestId('admin-feedback'), (text) => text === 'Service ajouté.');
    await waitForText(console.getByTestId('roster-week'), (text) => text.includes('Gendarme Nouveau'));
    await console.screenshot({ path: artifactPath('admin-roster.png'), fullPage: true });
    expect(await seriousAxeViolations(console)).toEqual([]);

    const [created] = await platform.dataSource.query(
      `SELECT a.id, a.capacity, a.skills, s.starts_at <= now() AND s.ends_at > now() AS on_now
         FROM agents a JOIN shifts s ON s.agent_id = a.id WHERE a.login = 'gendarme.nouveau'`,
    );
    expect(created).toMatchObject({ capacity: 3, skills: ['general', 'offence'], on_now: true });

    const desk = await signIn('gendarme.nouveau', 'mot de passe du nouveau');
    await waitForText(desk.getByTestId('duty'), (text) => text === 'De service, non disponible');
    await desk.getByLabel('Présence').selectOption('available');
    await waitForText(desk.getByTestId('duty'), (text) => text === 'En service');

    const citizen = await connectCitizen(platform.url);
    sockets.push(citizen.socket);
    await citizen.log.waitFor('session');
    const ack = (await citizen.socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text: 'Bonjour, une question sur ma plainte' })) as Ack<unknown>;
    expect(ack.ok).toBe(true);
    const item = desk.locator('.conversation-item');
    await item.first().waitFor();
    await item.first().click();
    await waitForText(desk.getByTestId('messages'), (text) => text.includes('une question sur ma plainte'));
    const [conversation] = await platform.dataSource.query(`SELECT assignee_id FROM conversations`);
    expect(conversation.assignee_id).toBe(created.id);
    await desk.screenshot({ path: artifactPath('admin-new-agent-desk.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 90_000);

  it('the console shows the quarantine count only when messages wait there, with the page’s link for administrators', async () => {
    const admin = await createAgent(platform.dataSource, { role: 'admin', onShift: false });
    const console = await signIn(admin.login, TEST_PASSWORD, '#/supervision');
    const countRead = () =>
      console.waitForResponse((response) => new URL(response.url()).pathname === '/api/admin/quarantine/count' && response.status() === 200);
    // Nothing in quarantine: the count is read, and nothing is shown.
    let read = countRead();
    await console.reload();
    await read;
    await waitForText(console.getByTestId('waiting-count'), (text) => text === '0');
    expect(await console.getByTestId('quarantine-notice').count()).toBe(0);

    await platform.dataSource.query(
      `INSERT INTO quarantined_messages (channel, channel_message_id, sender_external_id, reason, error, raw)
       VALUES ('facebook', 'mid.q1', 'psid-1', 'refused', '22P05: unsupported Unicode escape sequence', convert_to('{}', 'UTF8')),
              ('webchat', 'web-q2', 'visitor-2', 'empty', NULL, convert_to('{}', 'UTF8'))`,
    );
    read = countRead();
    await console.reload();
    await read;
    const notice = console.getByTestId('quarantine-notice');
    await waitForText(notice, (text) => text.startsWith('2 messages de citoyens en quarantaine'));
    await console.screenshot({ path: artifactPath('console-quarantine-notice.png'), fullPage: true });
    expect(await seriousAxeViolations(console)).toEqual([]);
    await notice.getByRole('link', { name: 'Voir la quarantaine' }).click();
    await console.getByRole('heading', { name: 'Administration' }).waitFor();
    expect(await console.getByRole('tab', { name: 'Quarantaine' }).getAttribute('aria-selected')).toBe('true');
    await waitForText(console.getByTestId('quarantine-table'), (text) => text.includes('mid.q1') && text.includes('web-q2'));

    // A supervisor sees the count too, but the page is for administrators: no link, who to ask instead.
    const supervisor = await createAgent(platform.dataSource, { role: 'supervisor', onShift: false });
    const supervisorConsole = await signIn(supervisor.login, TEST_PASSWORD, '#/supervision');
    const supervisorNotice = supervisorConsole.getByTestId('quarantine-notice');
    await waitForText(supervisorNotice, (text) => text.includes('Un administrateur peut les examiner et les rejouer.'));
    expect(await supervisorNotice.getByRole('link').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  }, 90_000);
});

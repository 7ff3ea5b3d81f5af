import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { artifactPath, launchBrowser } from '../support/browser';
import { connectCitizen, newClientMessageId } from '../support/clients';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';


async function waitForText(locator: Locator, predicate: (text: string) => boolean, timeoutMs = 20_000): Promise<string> {
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
  const violations = (await page.evaluate(`axe.run(document.querySelector('[data-testid="surge-panel"]')).then((results) =>
    results.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((node) => node.target) })))`)) as {
    id: string;
    impact: string;
    targets: unknown[];
  }[];
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

describe('surge mode in the supervisor console (Chromium)', () => {
  let platform: TestPlatform;
  let browser: Browser;
  let context: BrowserContext | null = null;
  const sockets: { disconnect(): unknown }[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    platform = await startPlatform({ SURGE_CHECK_INTERVAL_MS: '300', AUTH_LOGIN_ATTEMPTS_PER_MINUTE: '200' });
    browser = await launchBrowser();
  }, 90_000);
  afterAll(async () => {
    sockets.splice(0).forEach((socket) => socket.disconnect());
    await context?.close();
    await browser?.close();
    await platform.dataSource.query(`DELETE FROM platform_settings WHERE key IN ('surge', 'surge-published')`);
    await platform.dataSource.query(`UPDATE queues SET surge_wait_seconds = NULL`);
    await platform?.close();
  });

  it('shows the proposal live, applies it with the ticked reinforcement in one click, and undoes it', async () => {
    const db = platform.dataSource;
    await resetDatabase(db);
    await db.query(`DELETE FROM platform_settings WHERE key IN ('surge', 'surge-published')`);
    await db.query(`UPDATE queues SET surge_wait_seconds = CASE key WHEN 'general' THEN 30 ELSE NULL END`);
    const reserve = await createAgent(db, { onShift: false, displayName: 'Adjudant Durand' });
    await db.query(`UPDATE agents SET reserve = true, email = 'durand@brigade.test' WHERE id = $1`, [reserve.id]);
    const second = await createAgent(db, { onShift: false, displayName: 'Gendarme Martin' });
    await db.query(`UPDATE agents SET reserve = true WHERE id = $1`, [second.id]);
    await createAgent(db, { onShift: true, presence: 'away', displayName: 'Gendarme De Service' });
    const supervisor = await createAgent(db, { role: 'supervisor', onShift: false, displayName: 'Major Console' });

    context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'fr-FR', bypassCSP: true });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.stack ?? error.message));
    await page.goto(`${platform.url}/desk/#/supervision`);
    await page.getByLabel('Identifiant').fill(supervisor.login);
    await page.getByLabel('Mot de passe').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await waitForText(page.getByTestId('connection'), (text) => text === 'Connecté', 30_000);
    await waitForText(page.getByTestId('surge-state'), (text) => text.includes('inactif'));
    expect(await page.getByTestId('surge-auto').textContent()).toContain('rien ne change avant votre clic');

    // Citizens wait past the general queue's surge threshold: the proposal appears without reloading.
    for (const text of ['Bonjour, une question sur ma procuration', 'Bonjour, j’ai une question']) {
      const citizen = await connectCitizen(platform.url);
      sockets.push(citizen.socket);
      await citizen.log.waitFor('session');
      await citizen.socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text });
    }
    const deadline = Date.now() + 20_000;
    while ((await db.query(`SELECT count(*)::int AS n FROM conversations WHERE status = 'waiting'`))[0].n < 2) {
      if (Date.now() > deadline) throw new Error('citizens not waiting');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await db.query(`UPDATE conversations SET waiting_since = now() - interval '95 seconds', queue = 'general'`);
    await waitForText(page.getByTestId('surge-state'), (text) => text.includes('proposée'));
    const triggers = await page.getByTestId('surge-triggers').textContent();
    expect(triggers).toContain('attente la plus longue 1 min 35 s (seuil 30 s), 2 en attente');
    expect(await page.getByLabel('Adjudant Durand').isChecked()).toBe(true);
    expect(await page.getByLabel(/Gendarme Martin/).isChecked()).toBe(false);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: artifactPath('surge-console-proposal.png') });

    // One click applies it: the reinforcement is on duty and the console says so.
    await page.getByRole('button', { name: 'Appliquer le mode afflux' }).click();
    await waitForText(page.getByTestId('surge-state'), (text) => text === 'appliqué');
    expect(await page.getByTestId('surge-reinforcements').textContent()).toMatch(/Renforts mis en service : Adjudant Durand \(jusqu’à \d\d:\d\d\)/);
    expect(await page.getByTestId('surge-done').textContent()).toBe('Mode afflux appliqué.');
    expect((await db.query(`SELECT duty_override FROM agents WHERE id = $1`, [reserve.id]))[0].duty_override).toBe('on');
    expect((await db.query(`SELECT duty_override FROM agents WHERE id = $1`, [second.id]))[0].duty_override).toBeNull();
    await page.screenshot({ path: artifactPath('surge-console-applied.png') });

    // One click undoes it.
    await page.getByRole('button', { name: 'Annuler le mode afflux' }).click();
    await waitForText(page.getByTestId('surge-done'), (text) => text.startsWith('Mode afflux annulé'));
    expect((await db.query(`SELECT duty_override FROM agents WHERE id = $1`, [reserve.id]))[0].duty_override).toBeNull();
    const audit = await db.query(`SELECT action, actor_id FROM audit_events WHERE action LIKE 'surge.%' ORDER BY id`);
    expect(audit).toEqual([
      { action: 'surge.apply', actor_id: supervisor.id },
      { action: 'surge.undo', actor_id: supervisor.id },
    ]);
    // Still waiting past the threshold: the proposal is back for the next decision.
    await waitForText(page.getByTestId('surge-state'), (text) => text.includes('proposée'));
    expect(pageErrors).toEqual([]);
  });
});

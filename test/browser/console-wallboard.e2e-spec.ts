import { copyFileSync, mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { artifactPath, launchBrowser } from '../support/browser';
import { connectCitizen, newClientMessageId } from '../support/clients';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

const root = join(__dirname, '..', '..');
const HOUR = 3_600_000;

async function waitForText(locator: Locator, predicate: (text: string) => boolean, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    last = ((await locator.count()) > 0 ? await locator.first().textContent() : null) ?? '';
    if (predicate(last)) return last;
    if (Date.now() > deadline) throw new Error(`text never matched; last: "${last}"`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function seriousAxeViolations(page: Page, selector?: string) {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const target = selector ? `document.querySelector('${selector}')` : 'document';
  const violations = (await page.evaluate(`axe.run(${target}).then((results) =>
    results.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((node) => node.target) })))`)) as {
    id: string;
    impact: string;
    targets: unknown[];
  }[];
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

/** A screenshot in test-artifacts/, copied to docs/images/ for the README and docs/desk.md. */
async function shoot(page: Page, name: string, fullPage = false) {
  const path = artifactPath(name);
  await page.screenshot({ path, fullPage });
  const images = join(root, 'docs', 'images');
  mkdirSync(images, { recursive: true });
  copyFileSync(path, join(images, name));
}

/**
 * The supervisor console's wallboard, last-24-hour charts and agent-state timeline in Chromium, at the two screen
 * sizes of a supervision room, with live figures pushed by the server.
 */
describe('supervisor console wallboard, charts and timeline (Chromium)', () => {
  let platform: TestPlatform;
  let browser: Browser;
  let context: BrowserContext | null = null;
  let savedThresholds: { key: string; sla_wait_seconds: number }[] = [];
  const sockets: { disconnect(): unknown }[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    platform = await startPlatform({ AUTH_LOGIN_ATTEMPTS_PER_MINUTE: '200', ROSTER_TIME_ZONE: 'Europe/Paris' });
    savedThresholds = await platform.dataSource.query(`SELECT key, sla_wait_seconds FROM queues`);
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    sockets.splice(0).forEach((socket) => socket.disconnect());
    await context?.close();
    await browser?.close();
    for (const row of savedThresholds) {
      await platform?.dataSource.query(`UPDATE queues SET sla_wait_seconds = $2 WHERE key = $1`, [row.key, row.sla_wait_seconds]);
    }
    await platform?.close();
  });

  async function seedConversation(options: {
    queue: string;
    hoursAgo: number;
    status: 'waiting' | 'assigned' | 'closed' | 'abandoned';
    takenAfterSeconds: number | null;
    agentId?: string;
  }) {
    const db = platform.dataSource;
    const createdAt = new Date(Date.now() - options.hoursAgo * HOUR);
    const [contact] = await db.query(`INSERT INTO contacts (display_name, pseudonym) VALUES ('Camille', 'Héron Calme 9') RETURNING id`);
    const [identity] = await db.query(
      `INSERT INTO channel_identities (contact_id, channel, external_id) VALUES ($1, 'webchat', $2) RETURNING id`,
      [contact.id, `wall-${randomUUID()}`],
    );
    const open = options.status === 'waiting' || options.status === 'assigned';
    const [conversation] = await db.query(
      `INSERT INTO conversations (contact_id, identity_id, channel, status, queue, created_at, waiting_since, closed_at, assignee_id, assigned_at)
       VALUES ($1, $2, 'webchat', $3, $4, $5, $5, $6, $7, $8) RETURNING id`,
      [
        contact.id,
        identity.id,
        options.status,
        options.queue,
        createdAt,
        open ? null : new Date(createdAt.getTime() + 20 * 60_000),
        options.status === 'assigned' ? options.agentId : null,
        options.status === 'assigned' ? new Date(createdAt.getTime() + (options.takenAfterSeconds ?? 0) * 1000) : null,
      ],
    );
    if (options.takenAfterSeconds !== null) {
      await db.query(
        `INSERT INTO assignments (conversation_id, agent_id, reason, assigned_at) VALUES ($1, $2, 'auto', $3::timestamptz + make_interval(secs => $4))`,
        [conversation.id, options.agentId, createdAt, options.takenAfterSeconds],
      );
    }
  }

  it('shows the charts and the timeline in the console, then the wallboard full screen, live, at 1366x768 and 1920x1080', async () => {
    const db = platform.dataSource;
    await resetDatabase(db);
    await db.query(`UPDATE queues SET sla_wait_seconds = 120`);
    // Both gendarmes are on duty but can take nothing: the conversations seeded waiting stay waiting.
    const martin = await createAgent(db, { displayName: 'Adjudant Martin', capacity: 2, presence: 'available' });
    const leroy = await createAgent(db, { displayName: 'Gendarme Leroy', presence: 'away' });
    const supervisor = await createAgent(db, { role: 'supervisor', onShift: false, displayName: 'Major Console' });
    await db.query(`DELETE FROM agent_state_changes WHERE agent_id IN ($1, $2)`, [martin.id, leroy.id]);
    const change = (agentId: string, hoursAgo: number, presence: string, busy: boolean) =>
      db.query(
        `INSERT INTO agent_state_changes (agent_id, at, presence, busy, active) VALUES ($1, now() - make_interval(secs => $2::float8 * 3600), $3, $4, true)`,
        [agentId, hoursAgo, presence, busy],
      );
    for (const [hoursAgo, presence, busy] of [
      [11.5, 'offline', false],
      [10, 'available', false],
      [9, 'available', true],
      [7, 'away', false],
      [6.5, 'available', true],
      [3, 'offline', false],
      [1, 'available', false],
    ] as const) {
      await change(martin.id, hoursAgo, presence, busy);
    }
    for (const [hoursAgo, presence, busy] of [
      [12.5, 'available', false],
      [8, 'available', true],
      [4, 'away', false],
    ] as const) {
      await change(leroy.id, hoursAgo, presence, busy);
    }
    // The last 24 hours: arrivals in both queues, most taken quickly, some late, one abandoned.
    const taken = [40, 90, 150, 60, 300, 30, 45, 200, 75, 20];
    for (let hour = 1; hour < 23; hour += 1) {
      const count = 1 + ((hour * 7) % 4);
      for (let index = 0; index < count; index += 1) {
        const abandoned = (hour + index) % 9 === 0;
        await seedConversation({
          queue: index % 3 === 2 ? 'violence' : 'general',
          hoursAgo: hour + index / 10,
          status: abandoned ? 'abandoned' : 'closed',
          takenAfterSeconds: abandoned ? null : taken[(hour + index) % taken.length],
          agentId: martin.id,
        });
      }
    }
    // Now: Adjudant Martin holds two (his capacity), two citizens wait past the threshold.
    await seedConversation({ queue: 'general', hoursAgo: 0.3, status: 'assigned', takenAfterSeconds: 60, agentId: martin.id });
    await seedConversation({ queue: 'violence', hoursAgo: 0.2, status: 'assigned', takenAfterSeconds: 30, agentId: martin.id });
    await seedConversation({ queue: 'general', hoursAgo: 0.15, status: 'waiting', takenAfterSeconds: null });
    await seedConversation({ queue: 'violence', hoursAgo: 0.05, status: 'waiting', takenAfterSeconds: null });

    context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'fr-FR', bypassCSP: true });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.stack ?? error.message));
    await page.goto(`${platform.url}/desk/#/supervision`);
    await page.getByLabel('Identifiant').fill(supervisor.login);
    await page.getByLabel('Mot de passe').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await waitForText(page.getByTestId('connection'), (text) => text === 'Connecté');

    // Charts: 24 hourly slots, their figures in a table for screen readers; the queue can be chosen.
    const history = page.getByTestId('queue-history');
    await history.getByTestId('arrivals-chart').waitFor();
    const arrivalsRows = history.getByTestId('arrivals-chart').locator('table tbody tr');
    expect(await arrivalsRows.count()).toBe(24);
    const total = await history.getByTestId('arrivals-chart').locator('table tbody td').allTextContents();
    const seeded = (await db.query(`SELECT count(*)::int AS n FROM conversations WHERE created_at > now() - interval '23 hours'`))[0].n;
    expect(total.reduce((sum, text) => sum + Number(text), 0)).toBeGreaterThanOrEqual(seeded);
    expect(await history.getByTestId('arrivals-chart').locator('svg rect').count()).toBeGreaterThan(10);
    expect(await history.getByTestId('waits-chart').locator('svg circle').count()).toBeGreaterThan(10);
    expect(await history.getByTestId('service-level-chart').locator('table caption').textContent()).toContain('Niveau de service');
    await history.getByTestId('history-queue').selectOption({ label: 'Violences sexuelles et sexistes' }).catch(async () => {
      await history.getByTestId('history-queue').selectOption('violence');
    });
    await waitForText(history.getByTestId('arrivals-chart').locator('figcaption'), (text) => !text.includes('Toutes les files'));

    // Timeline: one row per gendarme with the stored states as bars.
    const timeline = page.getByTestId('agent-timeline');
    const martinRow = timeline.locator(`[data-agent="${martin.id}"]`);
    await martinRow.waitFor();
    const states = await martinRow.locator('.timeline-bar').evaluateAll((bars) => bars.map((bar) => bar.getAttribute('data-state')));
    expect(states).toEqual(['offline', 'available', 'busy', 'away', 'busy', 'offline', 'available', 'busy']);
    expect(await timeline.locator('table tbody tr').filter({ hasText: 'Gendarme Leroy' }).textContent()).toMatch(/Disponible de \d\d:\d\d à \d\d:\d\d/);
    expect(await seriousAxeViolations(page, '[data-testid="queue-history"]')).toEqual([]);
    expect(await seriousAxeViolations(page, '[data-testid="agent-timeline"]')).toEqual([]);
    await page.getByTestId('queue-history').scrollIntoViewIfNeeded();
    await shoot(page, 'console-charts-1366x768.png');
    await timeline.scrollIntoViewIfNeeded();
    await shoot(page, 'console-timeline-1366x768.png');

    // The wallboard: large live figures over the whole window.
    await page.getByTestId('open-wallboard').click();
    const wall = page.getByTestId('wallboard');
    await wall.waitFor();
    expect(await page.evaluate('window.location.hash')).toBe('#/supervision/wallboard');
    await waitForText(page.getByTestId('wall-waiting-value'), (text) => text === '2');
    await waitForText(page.getByTestId('wall-busy-value'), (text) => text === '1');
    expect(await page.getByTestId('wall-free-value').textContent()).toBe('0');
    await waitForText(page.getByTestId('wall-breaches-value'), (text) => Number(text) >= 2);
    expect(await page.getByTestId('wall-surge-value').textContent()).toMatch(/^(Inactif|Proposé|ACTIF)$/);
    await waitForText(page.getByTestId('wall-service-level-value'), (text) => /^\d+\u202f%$/.test(text));
    expect(await page.getByTestId('wall-longest-value').textContent()).toMatch(/^\d+ min \d\d s$/);
    const valueSize = Number(
      await page.evaluate(`parseFloat(getComputedStyle(document.querySelector('[data-testid="wall-waiting-value"]')).fontSize)`),
    );
    expect(valueSize).toBeGreaterThanOrEqual(60);
    const box = await wall.boundingBox();
    expect(box).toMatchObject({ x: 0, y: 0, width: 1366, height: 768 });
    expect(await page.getByTestId('wall-queues').locator('tbody tr').count()).toBeGreaterThanOrEqual(2);
    expect(await seriousAxeViolations(page, '[data-testid="wallboard"]')).toEqual([]);
    await shoot(page, 'wallboard-1366x768.png');

    // Live: a citizen writes and waits (nobody can take the conversation); the wallboard follows without a reload.
    const citizen = await connectCitizen(platform.url);
    sockets.push(citizen.socket);
    await citizen.log.waitFor('session');
    await citizen.socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text: 'Bonjour, une question sur une plainte' });
    await waitForText(page.getByTestId('wall-waiting-value'), (text) => text === '3');

    // Full screen where the browser allows it.
    const fullScreenButton = page.getByTestId('wallboard-fullscreen');
    if ((await fullScreenButton.count()) > 0) {
      await fullScreenButton.click();
      const deadline = Date.now() + 10_000;
      let inFullScreen = false;
      while (!inFullScreen && Date.now() < deadline) {
        inFullScreen = (await page.evaluate(`document.fullscreenElement?.getAttribute('data-testid') === 'wallboard'`)) === true;
        if (!inFullScreen) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(inFullScreen).toBe(true);
      await page.evaluate('document.exitFullscreen()');
    }

    // 1920x1080, reached by its own address.
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.goto(`${platform.url}/desk/#/console/wallboard`);
    await waitForText(page.getByTestId('wall-waiting-value'), (text) => text === '3');
    await waitForText(page.getByTestId('wall-service-level-value'), (text) => /^\d+\u202f%$/.test(text));
    await shoot(page, 'wallboard-1920x1080.png');
    await page.getByRole('link', { name: 'Quitter le mur d’écran' }).click();
    await page.getByTestId('queue-history').getByTestId('arrivals-chart').waitFor();
    // Back in the console, its figures are still pushed: the wallboard leaving did not stop them.
    await waitForText(page.getByTestId('waiting-count'), (text) => text === '3');
    const another = await connectCitizen(platform.url);
    sockets.push(another.socket);
    await another.log.waitFor('session');
    await another.socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text: 'Bonjour, je voudrais un renseignement' });
    await waitForText(page.getByTestId('waiting-count'), (text) => text === '4');
    await page.getByTestId('agent-timeline').locator(`[data-agent="${martin.id}"]`).waitFor();
    await page.getByTestId('queue-history').scrollIntoViewIfNeeded();
    await shoot(page, 'console-charts-1920x1080.png');
    await page.getByTestId('agent-timeline').scrollIntoViewIfNeeded();
    await shoot(page, 'console-timeline-1920x1080.png');
    expect(pageErrors).toEqual([]);
  });
});

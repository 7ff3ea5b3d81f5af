import type { Browser, BrowserContext } from 'playwright-core';
import { launchBrowser } from '../support/browser';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

/** UTC+14: its day and clock are never Paris's, where the browser of this test is. */
const ZONE = 'Pacific/Kiritimati';

function localNow(timeZone: string, instant = new Date()): { date: string; time: string } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(instant);
  const field = (type: string) => parts.find((part) => part.type === type)?.value ?? '';
  return { date: `${field('year')}-${field('month')}-${field('day')}`, time: `${field('hour')}:${field('minute')}` };
}

/** The desk writes the roster in the deployment's zone, which the server sends it, not in the browser's. */
describe('the desk in an overseas deployment, opened from a browser in Paris', () => {
  let platform: TestPlatform;
  let browser: Browser;
  let context: BrowserContext | null = null;

  beforeAll(async () => {
    platform = await startPlatform({ ROSTER_TIME_ZONE: ZONE });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await platform?.close();
  });
  beforeEach(async () => {
    await resetDatabase(platform.dataSource);
  });

  it('opens the shift form on the brigade’s date and time, and the shift added from it is on now', async () => {
    const admin = await createAgent(platform.dataSource, { role: 'admin', onShift: false, displayName: 'Adjudant Atoll' });
    context = await browser.newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${platform.url}/desk/#/admin`);
    await page.getByLabel('Identifiant').fill(admin.login);
    await page.getByLabel('Mot de passe').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('tab', { name: 'Planning' }).click();
    const form = page.getByRole('form', { name: 'Ajouter le service' });
    await form.getByLabel('Date').waitFor();

    const before = localNow(ZONE, new Date(Date.now() - 60_000));
    const date = await form.getByLabel('Date').inputValue();
    const start = await form.getByLabel('Début').inputValue();
    const after = localNow(ZONE, new Date(Date.now() + 60_000));
    expect([before.date, after.date]).toContain(date);
    expect(`${date} ${start}` >= `${before.date} ${before.time}` && `${date} ${start}` <= `${after.date} ${after.time}`).toBe(true);

    await form.getByLabel('Agent').selectOption({ index: 0 });
    await form.getByRole('button', { name: 'Ajouter le service' }).click();
    await page.getByTestId('admin-feedback').filter({ hasText: 'Service ajouté.' }).waitFor();
    const [shift] = await platform.dataSource.query(
      `SELECT starts_at <= now() + interval '1 minute' AND ends_at > now() AS on_now FROM shifts`,
    );
    expect(shift).toEqual({ on_now: true });
  });
});

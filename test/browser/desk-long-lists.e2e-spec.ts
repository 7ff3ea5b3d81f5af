// Long conversations and long lists on the desk, in Chromium: a 2,000-message conversation opens at its end with only
// the rows in sight in the page, scrolls to its start and back, follows a new reply, opens at a searched message deep
// in its history; 300 conversations wait in the list. Also measures (logs, never asserts) the time to open it and the
// long frames while scrolling: figures in BENCHMARKS.md ("Desk: long conversations and lists").
import { writeFileSync } from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import { artifactPath, launchBrowser } from '../support/browser';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

const MESSAGES = 2000;
const WAITING = 300;
/** Far more than a screen holds, far fewer than the history: the list keeps only the rows in sight (and a margin). */
const MAX_ROWS_IN_PAGE = 150;
/** The searched message: about a sixth into the history, far above the end. */
const DEEP = 300;

async function waitUntil(condition: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const inView = async (element: Locator, container: Locator) => {
  if ((await element.count()) !== 1) return false;
  const [box, frame] = [await element.boundingBox(), await container.boundingBox()];
  return !!box && !!frame && box.y >= frame.y - 1 && box.y + box.height <= frame.y + frame.height + 1;
};

// The page's globals used by the functions run in the page (the server's TypeScript settings load no DOM types).
interface ScrolledElement {
  scrollTop: number;
  clientHeight: number;
  scrollHeight: number;
}
declare const document: { querySelector(selector: string): ScrolledElement | null; scrollingElement: ScrolledElement | null };
declare function requestAnimationFrame(callback: () => void): number;
declare function getComputedStyle(element: unknown): { outlineStyle: string };

interface ScrollFigures {
  /** Frames painted while scrolling, those over 50 ms, and the time it took. */
  frames: number;
  longFrames: number;
  ms: number;
}

interface FrameProbe {
  frames: number;
  longFrames: number;
  started: number;
  last: number;
  running: boolean;
}

/**
 * Scrolls with the mouse wheel over `selector`, `deltaY` pixels a turn, until the element (or the page, when the element
 * does not scroll itself) reaches its top or bottom; meanwhile the page counts its frames and those over 50 ms (what a
 * reader sees as jank). Wheel turns, not scrollTop writes: the browser then scrolls as it does for a person.
 */
async function wheelThrough(page: Page, selector: string, deltaY: number): Promise<ScrollFigures> {
  const box = (await page.locator(selector).boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + Math.min(box.height / 2, 300));
  await page.evaluate(() => {
    const probe: FrameProbe = { frames: 0, longFrames: 0, started: performance.now(), last: performance.now(), running: true };
    (globalThis as unknown as { frameProbe: FrameProbe }).frameProbe = probe;
    const next = () => {
      const now = performance.now();
      probe.frames += 1;
      if (now - probe.last > 50) probe.longFrames += 1;
      probe.last = now;
      if (probe.running) requestAnimationFrame(next);
    };
    requestAnimationFrame(next);
  });
  const atLimit = () =>
    page.evaluate(
      ({ selector, up }) => {
        const own = document.querySelector(selector)!;
        const element = own.scrollHeight > own.clientHeight ? own : document.scrollingElement!;
        return up ? element.scrollTop <= 0 : element.scrollTop + element.clientHeight >= element.scrollHeight - 1;
      },
      { selector, up: deltaY < 0 },
    );
  for (let turn = 0; turn < 3000; turn += 1) {
    await page.mouse.wheel(0, deltaY);
    if (turn % 5 === 4 && (await atLimit())) break;
  }
  return page.evaluate(() => {
    const probe = (globalThis as unknown as { frameProbe: FrameProbe }).frameProbe;
    probe.running = false;
    return { frames: probe.frames, longFrames: probe.longFrames, ms: Math.round(performance.now() - probe.started) };
  });
}

describe('desk with a 2,000-message conversation and 300 waiting, in Chromium', () => {
  let platform: TestPlatform;
  let browser: Browser;

  beforeAll(async () => {
    platform = await startPlatform({ AUTH_LOGIN_ATTEMPTS_PER_MINUTE: '200' });
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await platform?.close();
  });

  /**
   * One conversation of MESSAGES messages over five days, assigned to `agentId`: the system's acknowledgement first,
   * then citizen and gendarme in turn (delivered replies), a private note every 100 messages; message DEEP holds a
   * word found nowhere else. Then WAITING conversations waiting in queue "general".
   */
  async function seed(agentId: string): Promise<{ conversationId: string; messageIds: string[] }> {
    const db = platform.dataSource;
    const [contact] = await db.query(`INSERT INTO contacts (display_name, pseudonym) VALUES ('Camille Martin', 'Citoyen-long') RETURNING id`);
    const [identity] = await db.query(
      `INSERT INTO channel_identities (contact_id, channel, external_id) VALUES ($1, 'webchat', 'long-history') RETURNING id`,
      [contact.id],
    );
    const [conversation] = await db.query(
      `INSERT INTO conversations (contact_id, identity_id, channel, status, queue, assignee_id, priority, waiting_since, assigned_at,
                                  first_agent_reply_at, last_citizen_message_at, last_agent_message_at, created_at)
       VALUES ($1, $2, 'webchat', 'assigned', 'general', $3, 2, now() - interval '5 days', now() - interval '5 days',
               now() - interval '5 days', now(), now(), now() - interval '5 days')
       RETURNING id`,
      [contact.id, identity.id, agentId],
    );
    await db.query(
      `INSERT INTO messages (conversation_id, channel, direction, author_type, author_agent_id, text, delivery_status, created_at)
       SELECT $1, 'webchat',
              CASE WHEN i = 0 THEN 'outbound' WHEN i % 100 = 50 THEN 'internal' WHEN i % 2 = 1 THEN 'inbound' ELSE 'outbound' END,
              CASE WHEN i = 0 THEN 'system' WHEN i % 2 = 1 AND i % 100 <> 50 THEN 'citizen' ELSE 'agent' END,
              CASE WHEN i > 0 AND (i % 2 = 0 OR i % 100 = 50) THEN $2::uuid END,
              CASE WHEN i = 0 THEN 'Votre message est bien reçu, un gendarme va vous répondre.'
                   WHEN i = ${DEEP} THEN 'Il a aussi pris ma débroussailleuse dans le cabanon'
                   WHEN i % 100 = 50 THEN 'Note : appel du ' || i
                   WHEN i % 2 = 1 THEN 'Message ' || i || ' du citoyen, qui raconte la suite des faits'
                   ELSE 'Réponse ' || i || ' du gendarme' END,
              CASE WHEN i % 2 = 1 AND i % 100 <> 50 THEN 'received' ELSE 'delivered' END,
              now() - interval '5 days' + i * (interval '5 days' / ${MESSAGES + 10})
         FROM generate_series(0, ${MESSAGES - 1}) i`,
      [conversation.id, agentId],
    );
    const messageIds = (
      await db.query(`SELECT id FROM messages WHERE conversation_id = $1 ORDER BY created_at, id`, [conversation.id])
    ).map((row: { id: string }) => row.id);
    await db.query(
      `WITH c AS (INSERT INTO contacts (display_name, pseudonym)
                  SELECT 'Citoyen en attente ' || n, 'Citoyen-attente-' || n FROM generate_series(1, ${WAITING}) n RETURNING id),
            i AS (INSERT INTO channel_identities (contact_id, channel, external_id)
                  SELECT id, 'webchat', 'waiting-' || id FROM c RETURNING id, contact_id)
       INSERT INTO conversations (contact_id, identity_id, channel, status, queue, priority, waiting_since, last_citizen_message_at)
       SELECT contact_id, id, 'webchat', 'waiting', 'general', 2, now() - interval '10 minutes', now() FROM i`,
    );
    return { conversationId: conversation.id, messageIds };
  }

  it('opens at the end with the rows in sight only, scrolls to the start and back, follows a reply, opens a search hit deep in history', async () => {
    await resetDatabase(platform.dataSource);
    // On shift and full (capacity 1, the long conversation held): routing gives them none of the waiting ones, and
    // keeps the held one with them (answered: a reply is its last message's time).
    const agent = await createAgent(platform.dataSource, { onShift: true, presence: 'away', capacity: 1, skills: ['general'] });
    const { conversationId, messageIds } = await seed(agent.id);
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'fr-FR' });
    const pageErrors: string[] = [];
    try {
      const page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(error.stack ?? error.message));
      await page.goto(`${platform.url}/desk/`);
      await page.getByLabel('Identifiant').fill(agent.login);
      await page.getByLabel('Mot de passe').fill(TEST_PASSWORD);
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await waitUntil(async () => (await page.getByTestId('connection').textContent()) === 'Connecté', 'connected', 60_000);

      const history = page.getByTestId('messages');
      const rowsInPage = () => history.locator('[data-message-id]').count();
      const message = (index: number) => history.locator(`[data-message-id="${messageIds[index]}"]`);
      const opening = Date.now();
      await page.locator(`.conversation-item[data-conversation-id="${conversationId}"]`).click();
      // The whole history is loaded (every row counted), the end in sight, a bounded number of rows in the page.
      await waitUntil(async () => Number(await history.getAttribute('data-rows')) > MESSAGES - 1, 'the whole history is loaded');
      await waitUntil(() => inView(message(MESSAGES - 1), history), 'the last message in sight');
      const openMs = Date.now() - opening;
      expect(await rowsInPage()).toBeLessThan(MAX_ROWS_IN_PAGE);
      expect(await rowsInPage()).toBeGreaterThan(5);
      // Replies show their delivery state; the rows tell assistive technologies where they sit in the history.
      expect(await message(MESSAGES - 2).getByTestId('delivery').textContent()).toContain('remis');
      const rows = Number(await history.getAttribute('data-rows'));
      expect(await message(MESSAGES - 1).getAttribute('aria-setsize')).toBe(String(rows));
      expect(await message(MESSAGES - 1).getAttribute('aria-posinset')).toBe(String(rows));
      expect(await page.locator('[role="log"]').count()).toBe(1);

      // To the start: the system's acknowledgement folded, the first day's separator, the first citizen message.
      const up = await wheelThrough(page, '[data-testid="messages"]', -400);
      await waitUntil(() => inView(message(1), history), 'the first citizen message in sight');
      expect(await history.getByTestId('system-messages').first().locator('summary').textContent()).toContain('1 message automatique');
      expect(await history.getByTestId('day-separator').first().isVisible()).toBe(true);
      expect(await rowsInPage()).toBeLessThan(MAX_ROWS_IN_PAGE);
      // A private note on the way down (one every 100 messages), in its own style.
      await waitUntil(async () => {
        if ((await history.locator('.message.internal').count()) > 0) return true;
        await history.evaluate((list) => (list.scrollTop += 200));
        return false;
      }, 'a note in the page');
      expect(await history.locator('.message.internal .text').first().textContent()).toMatch(/^Note : appel du \d+$/);

      // Back to the end with the keyboard: the history takes the focus and "End" goes to its last message.
      await history.focus();
      await page.keyboard.press('End');
      await waitUntil(async () => {
        await page.keyboard.press('End');
        return inView(message(MESSAGES - 1), history);
      }, 'the last message in sight again');
      await history.evaluate((list) => (list.scrollTop = 0));
      const down = await wheelThrough(page, '[data-testid="messages"]', 400);
      await waitUntil(() => inView(message(MESSAGES - 1), history), 'the end after scrolling down');
      expect(await rowsInPage()).toBeLessThan(MAX_ROWS_IN_PAGE);

      // A reply at the end: the history follows it, and screen readers hear it.
      await page.locator('#reply').fill('Une patrouille passe chez vous dans la soirée');
      await page.keyboard.press('Enter');
      const reply = history.locator('.message', { hasText: 'Une patrouille passe chez vous dans la soirée' });
      await waitUntil(() => inView(reply, history), 'the reply in sight at the end');
      await waitUntil(
        async () => ((await page.getByTestId('message-arrivals').textContent()) ?? '').includes('Une patrouille passe chez vous'),
        'the reply announced',
      );

      // A search hit deep in the history: the conversation opens there, the message marked and in sight.
      await page.locator('#desk-search-text').fill('débroussailleuse');
      await page.locator('#desk-search-text').press('Enter');
      const hit = page.locator(`.search-hit[data-message-id="${messageIds[DEEP]}"]`);
      await waitUntil(async () => (await hit.count()) === 1, 'the search hit');
      await hit.click();
      await waitUntil(async () => (await message(DEEP).getAttribute('data-found')) === 'true', 'the message found is in the page, marked');
      await waitUntil(() => inView(message(DEEP), history), 'the message found is in sight');
      expect(await message(DEEP).evaluate((element) => getComputedStyle(element).outlineStyle)).toBe('solid');
      expect(await rowsInPage()).toBeLessThan(MAX_ROWS_IN_PAGE);
      expect(await inView(message(MESSAGES - 1), history)).toBe(false);
      await page.screenshot({ path: artifactPath('desk-long-conversation-1366x768.png') });

      // 300 conversations waiting in my queue: all listed.
      await page.locator('#desk-search-text').press('Escape');
      await page.getByRole('tab', { name: /En attente/ }).click();
      await waitUntil(async () => (await page.locator('[role="tabpanel"] .conversation-item').count()) === WAITING, '300 waiting listed');
      const listScroll = await wheelThrough(page, '.conversation-list', 300);

      // A measurement, not a test of speed: logged and kept with the other browser-test outputs.
      const figures = { openMs, scrollUp: up, scrollDown: down, conversationListScroll: listScroll, rowsInPage: await rowsInPage() };
      writeFileSync(artifactPath('desk-long-lists.json'), JSON.stringify(figures, null, 2) + '\n');
      console.log(`desk with ${MESSAGES} messages and ${WAITING} waiting: ${JSON.stringify(figures)}`);
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 240_000);
});

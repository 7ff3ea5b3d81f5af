import { FakeGraphApi, GraphSendBody, metaWebhookSignature } from '@brigade/testing';
import { SocialQueueStatusService } from '@brigade/routing';
import { connectDesk, login } from '../support/clients';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

const APP_SECRET = 'facebook-app-secret-used-only-in-tests';
const PAGE = '100200300';
// The "held back within the interval" steps must fit inside one interval: 3 s was overrun on a busy shared host.
const INTERVAL_SECONDS = 8;

/** Messenger citizens waiting in the queue are told their position by message: first, then on significant change. */
describe('queue position and wait told to social-channel citizens', () => {
  let graph: FakeGraphApi;
  let platform: TestPlatform;
  let second: TestPlatform | null = null;
  const sockets: { disconnect(): unknown }[] = [];

  beforeAll(async () => {
    graph = await FakeGraphApi.start();
    platform = await startPlatform({
      FACEBOOK_ENABLED: 'true',
      FACEBOOK_APP_SECRET: APP_SECRET,
      FACEBOOK_VERIFY_TOKEN: 'verify',
      FACEBOOK_PAGES: `${PAGE}:EAAPageToken`,
      FACEBOOK_GRAPH_BASE_URL: graph.baseUrl,
      FACEBOOK_FETCH_PROFILES: 'false',
      ROUTING_QUEUE_STATUS_MIN_INTERVAL_SECONDS: String(INTERVAL_SECONDS),
      // One outbound slot: the acknowledgement, the assistant's menu and the position are separate outbound jobs, and
      // only one slot sends them in the order they were queued. With several slots (the default) two messages of one
      // conversation may reach Messenger in either order: the order asserted below is this setting's, not a promise
      // of the default one.
      OUTBOUND_CONCURRENCY: '1',
    });
  });
  afterAll(async () => {
    await second?.close();
    await platform?.close();
    await graph?.close();
  });
  beforeEach(async () => {
    await resetDatabase(platform.dataSource);
    graph.reset();
  });
  afterEach(() => {
    sockets.splice(0).forEach((socket) => socket.disconnect());
  });

  function write(psid: string, text = 'Bonjour') {
    const raw = JSON.stringify({
      object: 'page',
      entry: [{ id: PAGE, time: Date.now(), messaging: [{ sender: { id: psid }, recipient: { id: PAGE }, timestamp: Date.now(), message: { mid: `mid.${psid}.${Date.now()}`, text } }] }],
    });
    return fetch(`${platform.url}/webhooks/facebook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaWebhookSignature(raw, APP_SECRET) },
      body: raw,
    });
  }

  const sendsTo = (psid: string) =>
    graph.messageSends().filter((request) => request.body.recipient.id === psid).map((request) => (request.body as GraphSendBody).message?.text ?? '');
  const statusSendsTo = (psid: string) => sendsTo(psid).filter((text) => text.includes('dans la file d’attente'));

  async function conversationOf(psid: string): Promise<string> {
    const rows: { id: string }[] = await platform.dataSource.query(
      `SELECT c.id FROM conversations c JOIN channel_identities i ON i.id = c.identity_id WHERE i.external_id = $1`,
      [psid],
    );
    return rows[0].id;
  }

  async function statusMessages(conversationId: string): Promise<{ text: string; delivery_status: string; created_at: Date }[]> {
    return platform.dataSource.query(
      `SELECT text, delivery_status, created_at FROM messages
        WHERE conversation_id = $1 AND client_message_id LIKE 'queue-status-%' ORDER BY created_at`,
      [conversationId],
    );
  }

  /** Citizens write one after the other, each waiting in the queue (nobody is on duty). */
  async function waitingCitizens(count: number): Promise<string[]> {
    const psids = Array.from({ length: count }, (_, index) => `psid-q${index + 1}`);
    for (const [index, psid] of psids.entries()) {
      expect((await write(psid)).status).toBe(200);
      await graph.waitFor((request) => (request.body as GraphSendBody).recipient?.id === psid && /position \d+/.test((request.body as GraphSendBody).message?.text ?? ''));
      expect(statusSendsTo(psid)).toEqual([`Vous êtes en position ${index + 1} dans la file d’attente.`]);
    }
    return psids;
  }

  const closeConversations = (psids: string[]) =>
    platform.dataSource.query(
      `UPDATE conversations SET status = 'closed', closed_at = now()
        WHERE identity_id IN (SELECT id FROM channel_identities WHERE external_id = ANY($1))`,
      [psids],
    );

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('tells the waiting citizen the position right after the acknowledgement, as a delivered system message', async () => {
    expect((await write('psid-first')).status).toBe(200);
    await graph.waitFor((request) => /position 1 /.test((request.body as GraphSendBody).message?.text ?? ''));
    const ack = platform.config.routing.acknowledgementText;
    // The acknowledgement first, the assistant's menu, then the position.
    const sent = sendsTo('psid-first');
    expect(sent[0]).toBe(ack);
    expect(sent.at(-1)).toBe('Vous êtes en position 1 dans la file d’attente.');
    expect(statusSendsTo('psid-first')).toHaveLength(1);
    const send = graph.messageSends().find((request) => /position 1/.test(request.body.message?.text ?? ''))!;
    expect(send.body.messaging_type).toBe('RESPONSE');
    expect(send.body.tag).toBeUndefined();

    const conversationId = await conversationOf('psid-first');
    // Recorded right after the provider's answer.
    for (let tries = 0; tries < 50 && (await statusMessages(conversationId))[0].delivery_status !== 'sent'; tries += 1) await sleep(100);
    const [message] = await statusMessages(conversationId);
    expect(message.delivery_status).toBe('sent');
    const [stored]: { author_type: string; direction: string; attempts: number }[] = await platform.dataSource.query(
      `SELECT m.author_type, m.direction, (SELECT count(*)::int FROM delivery_attempts a WHERE a.message_id = m.id) AS attempts
         FROM messages m WHERE m.conversation_id = $1 AND m.client_message_id LIKE 'queue-status-%'`,
      [conversationId],
    );
    expect(stored).toEqual({ author_type: 'system', direction: 'outbound', attempts: 1 });

    // Writing again while nothing changed tells nothing more.
    expect((await write('psid-first', 'Vous êtes là ?')).status).toBe(200);
    await sleep(1500);
    expect(statusSendsTo('psid-first')).toHaveLength(1);
  });

  it('tells one update after a significant change once the interval passed, none for a small change, none after assignment', async () => {
    const psids = await waitingCitizens(6);
    const last = psids[5];
    const conversationId = await conversationOf(last);
    // A gendarme gets ready (not available yet, so nothing is assigned). Logged in now: the password hash takes its
    // time, and the steps below must fit inside one interval.
    const agent = await createAgent(platform.dataSource, { capacity: 4 });
    const desk = await connectDesk(platform.url, await login(platform.url, agent.login, TEST_PASSWORD));
    sockets.push(desk.socket);

    // 6 -> 5: not worth a message, however many ticks pass.
    await closeConversations([psids[0]]);
    await sleep(INTERVAL_SECONDS * 1000 + 1500);
    expect(statusSendsTo(last)).toHaveLength(1);

    // 5 -> 3: the position halved since what was told (6): one message.
    await closeConversations([psids[1], psids[2]]);
    // (psid-q3 was told "position 3" when it arrived: the wait is for this citizen's own message.)
    await graph.waitFor(
      (request) =>
        (request.body as GraphSendBody).recipient?.id === last &&
        (request.body as GraphSendBody).message?.text === 'Vous êtes en position 3 dans la file d’attente.',
    );
    // 3 -> 1 is significant, but within the interval of the last message: held back...
    await closeConversations([psids[3], psids[4]]);
    await sleep(500);
    expect(statusSendsTo(last)).toHaveLength(2);
    // ...and the citizen is assigned before the interval ends: never told afterwards.
    await desk.socket.emitWithAck('presence:set', { presence: 'available' });
    await desk.log.waitFor('conversation:assigned');
    await sleep(INTERVAL_SECONDS * 1000 + 1500);
    expect(statusSendsTo(last)).toEqual([
      'Vous êtes en position 6 dans la file d’attente.',
      'Vous êtes en position 3 dans la file d’attente.',
    ]);
    const [first, update] = await statusMessages(conversationId);
    expect(update.created_at.getTime() - first.created_at.getTime()).toBeGreaterThanOrEqual(INTERVAL_SECONDS * 1000);
    const [{ status }]: { status: string }[] = await platform.dataSource.query(`SELECT status FROM conversations WHERE id = $1`, [conversationId]);
    expect(status).toBe('assigned');
  });

  it('never sends the same update twice with two workers ticking on the same queues', async () => {
    second = await startPlatform(
      {
        FACEBOOK_ENABLED: 'true',
        FACEBOOK_APP_SECRET: APP_SECRET,
        FACEBOOK_VERIFY_TOKEN: 'verify',
        FACEBOOK_PAGES: `${PAGE}:EAAPageToken`,
        FACEBOOK_GRAPH_BASE_URL: graph.baseUrl,
        FACEBOOK_FETCH_PROFILES: 'false',
        ROUTING_QUEUE_STATUS_MIN_INTERVAL_SECONDS: String(INTERVAL_SECONDS),
        QUEUE_PREFIX: platform.config.redis.queuePrefix,
      },
      'worker',
    );
    const psids = await waitingCitizens(4);
    const last = psids[3];
    await closeConversations(psids.slice(0, 2));
    await sleep(INTERVAL_SECONDS * 1000);
    // Both workers' ticks, and a burst of direct calls on both, race for the one update that is due.
    const services = [platform.app.get(SocialQueueStatusService), second.app.get(SocialQueueStatusService)];
    const told = await Promise.all([...services, ...services, ...services].map((service) => service.publish()));
    expect(told.reduce((sum, n) => sum + n, 0)).toBeLessThanOrEqual(1);
    await graph.waitFor((request) => (request.body as GraphSendBody).message?.text === 'Vous êtes en position 2 dans la file d’attente.');
    await sleep(2000);
    expect(statusSendsTo(last)).toEqual([
      'Vous êtes en position 4 dans la file d’attente.',
      'Vous êtes en position 2 dans la file d’attente.',
    ]);
    expect(await statusMessages(await conversationOf(last))).toHaveLength(2);
    await second.close();
    second = null;
  });
});

import type { DeskAssignmentEvent, DeskMessageView } from '@brigade/realtime';
import { FakeGraphApi, metaWebhookSignature } from '@brigade/testing';
import { DeskClient, EventLog, connectDesk, login, newClientMessageId } from '../support/clients';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

type Ack<T> = { ok: true; data: T } | { ok: false; error: string; status: number };
type StatusEvent = { messageId: string; conversationId: string; status: string; error: string | null };

const APP_SECRET = 'facebook-app-secret-used-only-in-tests';
const VERIFY_TOKEN = 'verify-token-of-the-tests';
const PAGE_A = '100200300';
const PAGE_B = '400500600';
const TOKEN_A = 'EAAPageTokenA';
const TOKEN_B = 'EAAPageTokenB';
const BODY_LIMIT = 16_384;
const RATE_LIMIT_WAIT_MS = 1500;

describe('Facebook Messenger channel: signed webhook -> desk -> reply through the Send API', () => {
  let graph: FakeGraphApi;
  let platform: TestPlatform;
  let ackText: string;
  const sockets: { disconnect(): unknown }[] = [];

  beforeAll(async () => {
    graph = await FakeGraphApi.start();
    platform = await startPlatform({
      FACEBOOK_ENABLED: 'true',
      FACEBOOK_APP_SECRET: APP_SECRET,
      FACEBOOK_VERIFY_TOKEN: VERIFY_TOKEN,
      FACEBOOK_PAGES: `${PAGE_A}:${TOKEN_A},${PAGE_B}:${TOKEN_B}`,
      FACEBOOK_GRAPH_BASE_URL: graph.baseUrl,
      FACEBOOK_GRAPH_VERSION: 'v23.0',
      FACEBOOK_RATE_LIMIT_WAIT_MS: String(RATE_LIMIT_WAIT_MS),
      WEBHOOK_BODY_LIMIT_BYTES: String(BODY_LIMIT),
    });
    ackText = platform.config.routing.acknowledgementText;
  });
  afterAll(async () => {
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

  async function availableAgent(capacity = 4) {
    const agent = await createAgent(platform.dataSource, { capacity });
    const token = await login(platform.url, agent.login, TEST_PASSWORD);
    const desk = await connectDesk(platform.url, token);
    sockets.push(desk.socket);
    const ack = (await desk.socket.emitWithAck('presence:set', { presence: 'available' })) as Ack<unknown>;
    expect(ack.ok).toBe(true);
    return { agent, token, ...desk };
  }

  function postWebhook(body: unknown, signature: string | null | undefined = undefined, extraHeaders: Record<string, string> = {}) {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const headers: Record<string, string> = { 'content-type': 'application/json', ...extraHeaders };
    const signed = signature === undefined ? metaWebhookSignature(raw, APP_SECRET) : signature;
    if (signed !== null) headers['x-hub-signature-256'] = signed;
    return fetch(`${platform.url}/webhooks/facebook`, { method: 'POST', headers, body: raw });
  }

  function batch(...entries: { page: string; events: unknown[] }[]) {
    return {
      object: 'page',
      entry: entries.map((entry) => ({ id: entry.page, time: Date.now(), messaging: entry.events })),
    };
  }

  function textEvent(page: string, psid: string, mid: string, text: string, timestamp = Date.now()) {
    return { sender: { id: psid }, recipient: { id: page }, timestamp, message: { mid, text } };
  }

  function reply(socket: DeskClient, conversationId: string, text: string) {
    return socket.emitWithAck('message:send', { conversationId, clientMessageId: newClientMessageId(), text }) as Promise<
      Ack<DeskMessageView>
    >;
  }

  async function count(sql: string, parameters: unknown[] = []): Promise<number> {
    return ((await platform.dataSource.query(sql, parameters)) as { n: number }[])[0].n;
  }

  /** One citizen writes on page A; the conversation lands on a desk and its acknowledgement has gone out. */
  async function conversationWithOneCitizen(psid = 'psid-single') {
    const gendarme = await availableAgent();
    expect((await postWebhook(batch({ page: PAGE_A, events: [textEvent(PAGE_A, psid, `mid.${psid}`, 'Bonjour')] }))).status).toBe(200);
    const assigned = await gendarme.log.waitFor<DeskAssignmentEvent>('conversation:assigned');
    await graph.waitFor((request) => (request.body as { message?: { text?: string } })?.message?.text === ackText);
    return { gendarme, conversationId: assigned.conversation.id };
  }

  /** The desk's 'typing' takes no acknowledgement in the contract; the test asks for one to know the outcome. */
  function typing(socket: DeskClient, conversationId: string, isTyping: boolean) {
    return (socket as unknown as { emitWithAck(event: string, body: unknown): Promise<Ack<{ forwarded: boolean }>> }).emitWithAck(
      'typing',
      { conversationId, typing: isTyping },
    );
  }

  function openOnDesk(token: string, conversationId: string) {
    return fetch(`${platform.url}/api/conversations/${conversationId}/read`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: '{}',
    });
  }

  /** Every queued sender action has been taken and finished (sent or dropped). */
  async function senderActionsSettled(): Promise<void> {
    const { JobProducer, QueueName } = await import('@brigade/queue');
    const queue = platform.app.get(JobProducer).queue(QueueName.SenderActions);
    await waitUntil(async () => {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      return Object.values(counts).every((n) => n === 0);
    });
  }

  function actionsFor(psid: string) {
    return graph.senderActions(psid).map((request) => request.body.sender_action);
  }

  it("answers Meta's verification handshake with the challenge only for the configured verify token", async () => {
    const good = await fetch(
      `${platform.url}/webhooks/facebook?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`,
    );
    expect(good.status).toBe(200);
    expect(await good.text()).toBe('1158201444');
    const wrong = await fetch(`${platform.url}/webhooks/facebook?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1`);
    expect(wrong.status).toBe(403);
  });

  it('stores every event of a multi-page batch, drops unknown pages and bad events, and replies with RESPONSE within 24 h', async () => {
    graph.setProfile('psid-camille', 'Camille', 'Martin');
    const gendarme = await availableAgent();
    const t = Date.now() - 5000;
    const response = await postWebhook(
      batch(
        {
          page: PAGE_A,
          events: [
            // Out of order on purpose: Meta does not keep order after failed deliveries.
            {
              sender: { id: 'psid-camille' },
              recipient: { id: PAGE_A },
              timestamp: t + 2,
              message: { mid: 'mid.photo', attachments: [{ type: 'image', payload: { url: 'https://cdn.example/photo.jpg' } }] },
            },
            textEvent(PAGE_A, 'psid-camille', 'mid.text', 'On a cassé ma voiture', t + 1),
            {
              sender: { id: 'psid-quick' },
              recipient: { id: PAGE_A },
              timestamp: t + 3,
              message: { mid: 'mid.quick', text: 'Porter plainte', quick_reply: { payload: 'COMPLAINT' } },
            },
          ],
        },
        {
          page: PAGE_B,
          events: [
            { sender: { id: 'psid-button' }, recipient: { id: PAGE_B }, timestamp: t + 4, postback: { title: 'Parler à un gendarme', payload: 'HUMAN' } },
            { recipient: { id: PAGE_B }, timestamp: t + 5, message: { mid: 'mid.nosender', text: 'lost' } },
            { sender: { id: 'psid-button' }, recipient: { id: PAGE_B }, timestamp: t + 6, delivery: { mids: ['m_unknown'], watermark: t } },
          ],
        },
        { page: '999999', events: [textEvent('999999', 'psid-elsewhere', 'mid.elsewhere', 'not ours', t + 7)] },
      ),
    );
    expect(response.status).toBe(200);

    await gendarme.log.waitFor<DeskAssignmentEvent>('conversation:assigned', () => gendarme.log.all('conversation:assigned').length >= 3);
    await waitUntil(async () => (await count(`SELECT count(*)::int AS n FROM messages WHERE direction = 'inbound'`)) === 4);
    const inbound = await platform.dataSource.query(
      `SELECT m.channel_message_id, m.text, m.attachments, i.channel_account, i.external_id
         FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN channel_identities i ON i.id = c.identity_id
        WHERE m.direction = 'inbound' ORDER BY m.created_at, m.channel_message_id`,
    );
    expect(inbound).toEqual(
      expect.arrayContaining([
        { channel_message_id: 'mid.text', text: 'On a cassé ma voiture', attachments: [], channel_account: PAGE_A, external_id: 'psid-camille' },
        {
          channel_message_id: 'mid.photo',
          text: '',
          // The platform downloads Messenger files at ingestion; this CDN does not exist, so the link is kept, saying why.
          attachments: [{ type: 'image', url: 'https://cdn.example/photo.jpg', unavailable: 'Téléchargement impossible' }],
          channel_account: PAGE_A,
          external_id: 'psid-camille',
        },
        { channel_message_id: 'mid.quick', text: 'Porter plainte', attachments: [], channel_account: PAGE_A, external_id: 'psid-quick' },
        expect.objectContaining({ text: 'Parler à un gendarme', channel_account: PAGE_B, external_id: 'psid-button' }),
      ]),
    );
    // Inbox order follows the citizen's timestamps, not the order of the batch.
    const camille = await platform.dataSource.query(
      `SELECT channel_message_id FROM inbox_entries WHERE channel_message_id IN ('mid.text', 'mid.photo') ORDER BY id`,
    );
    expect(camille.map((row: { channel_message_id: string }) => row.channel_message_id)).toEqual(['mid.text', 'mid.photo']);
    expect(await count(`SELECT count(*)::int AS n FROM inbox_entries WHERE channel_message_id IN ('mid.elsewhere', 'mid.nosender')`)).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM conversations`)).toBe(3);

    // The name comes from the Graph user profile, once per identity although Camille sent two messages.
    await waitUntil(async () => {
      const rows = await platform.dataSource.query(`SELECT display_name FROM contacts WHERE display_name IS NOT NULL`);
      return rows.length === 1 && rows[0].display_name === 'Camille Martin';
    });
    expect(graph.profileLookups().filter((request) => request.path.endsWith('/psid-camille'))).toHaveLength(1);

    const conversation = gendarme.log
      .all<DeskAssignmentEvent>('conversation:assigned')
      .find((event) => event.messages.some((message) => message.text === 'On a cassé ma voiture'))!;
    const sent = await reply(gendarme.socket, conversation.conversation.id, 'Bonjour, avez-vous déposé plainte ?');
    expect(sent.ok).toBe(true);
    const messageId = sent.ok ? sent.data.id : '';
    await gendarme.log.waitFor<StatusEvent>('message:status', (event) => event.messageId === messageId && event.status === 'sent');

    const [send] = graph.messageSends().filter((request) => request.body.message?.text === 'Bonjour, avez-vous déposé plainte ?');
    expect(send.path).toBe('/v23.0/me/messages');
    expect(send.query.access_token).toBe(TOKEN_A);
    expect(send.body).toEqual({
      recipient: { id: 'psid-camille' },
      messaging_type: 'RESPONSE',
      message: { text: 'Bonjour, avez-vous déposé plainte ?', metadata: messageId },
    });
    const [stored] = await platform.dataSource.query(`SELECT delivery_status, channel_message_id FROM messages WHERE id = $1`, [messageId]);
    const attempts = await platform.dataSource.query(
      `SELECT attempt, outcome, provider_message_id FROM delivery_attempts WHERE message_id = $1 ORDER BY attempt`,
      [messageId],
    );
    expect(attempts).toEqual([{ attempt: 1, outcome: 'sent', provider_message_id: stored.channel_message_id }]);
    expect(stored.delivery_status).toBe('sent');
    expect(stored.channel_message_id).toMatch(/^m_fake/);
  });

  it('tags a reply HUMAN_AGENT from 24 h to 7 days, and refuses it after 7 days with the reason on the desk', async () => {
    const { gendarme, conversationId } = await conversationWithOneCitizen();
    await platform.dataSource.query(`UPDATE conversations SET last_citizen_message_at = now() - interval '3 days' WHERE id = $1`, [
      conversationId,
    ]);
    const tagged = await reply(gendarme.socket, conversationId, 'Réponse après trois jours');
    expect(tagged.ok).toBe(true);
    const [send] = await graph.waitFor((request) => (request.body as { message?: { text?: string } })?.message?.text === 'Réponse après trois jours');
    expect(send.body).toMatchObject({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT', recipient: { id: 'psid-single' } });

    await platform.dataSource.query(`UPDATE conversations SET last_citizen_message_at = now() - interval '8 days' WHERE id = $1`, [
      conversationId,
    ]);
    const late = await reply(gendarme.socket, conversationId, 'Réponse après huit jours');
    const lateId = late.ok ? late.data.id : '';
    const failed = await gendarme.log.waitFor<StatusEvent>('message:status', (event) => event.messageId === lateId && event.status === 'failed');
    expect(failed.error).toMatch(/7-day window/);
    expect(graph.messageSends().filter((request) => request.body.message?.text === 'Réponse après huit jours')).toHaveLength(0);
    const [stored] = await platform.dataSource.query(`SELECT delivery_status, delivery_error FROM messages WHERE id = $1`, [lateId]);
    expect(stored.delivery_status).toBe('failed');
    expect(stored.delivery_error).toMatch(/7-day window/);
  });

  it('refuses missing, forged, tampered and sha1-only signatures and stores nothing', async () => {
    const body = JSON.stringify(batch({ page: PAGE_A, events: [textEvent(PAGE_A, 'psid-forger', 'mid.forged', 'forged')] }));
    expect((await postWebhook(body, null)).status).toBe(401);
    expect((await postWebhook(body, metaWebhookSignature(body, 'not-the-app-secret'))).status).toBe(403);
    expect((await postWebhook(body, 'sha256=nothex')).status).toBe(403);
    const tampered = body.replace('forged', 'tampered');
    expect((await postWebhook(tampered, metaWebhookSignature(body, APP_SECRET))).status).toBe(403);
    const sha1Only = await postWebhook(body, null, { 'x-hub-signature': 'sha1=0000000000000000000000000000000000000000' });
    expect(sha1Only.status).toBe(401);
    expect(await count(`SELECT count(*)::int AS n FROM inbox_entries`)).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM messages`)).toBe(0);
  });

  it('stores a message once when Meta delivers it twice, in two calls or twice in one batch', async () => {
    const event = textEvent(PAGE_A, 'psid-twice', 'mid.twice', 'Il y a quelqu’un ?');
    expect((await postWebhook(batch({ page: PAGE_A, events: [event, event] }))).status).toBe(200);
    expect((await postWebhook(batch({ page: PAGE_A, events: [event] }))).status).toBe(200);
    await waitUntil(async () => (await count(`SELECT count(*)::int AS n FROM inbox_entries WHERE processed_at IS NOT NULL`)) === 1);
    expect(await count(`SELECT count(*)::int AS n FROM messages WHERE direction = 'inbound'`)).toBe(1);
    expect(await count(`SELECT count(*)::int AS n FROM conversations`)).toBe(1);
  });

  it('answers 400 to malformed JSON, 413 over the body limit and 200 for an unknown page, storing nothing', async () => {
    const malformed = '{"object":"page","entry":[';
    expect((await postWebhook(malformed)).status).toBe(400);
    const padding = 'x'.repeat(BODY_LIMIT);
    expect((await postWebhook(batch({ page: PAGE_A, events: [textEvent(PAGE_A, 'psid-big', 'mid.big', padding)] }))).status).toBe(413);
    const unknown = await postWebhook(batch({ page: '123123123', events: [textEvent('123123123', 'psid-x', 'mid.unknown', 'hello')] }));
    expect(unknown.status).toBe(200);
    expect(await count(`SELECT count(*)::int AS n FROM inbox_entries`)).toBe(0);
  });

  it('waits out a 613 rate limit before retrying, and fails a bad-token (190) reply at once without retrying', async () => {
    const { gendarme, conversationId } = await conversationWithOneCitizen();
    graph.failNextSend({ code: 613, message: '(#613) Calls to this api have exceeded the rate limit.', forText: 'Après la limite' });
    const limited = await reply(gendarme.socket, conversationId, 'Après la limite');
    const limitedId = limited.ok ? limited.data.id : '';
    await gendarme.log.waitFor<StatusEvent>('message:status', (event) => event.messageId === limitedId && event.status === 'sent');
    const tries = graph.messageSends().filter((request) => request.body.message?.text === 'Après la limite');
    expect(tries).toHaveLength(2);
    expect(tries[1].at - tries[0].at).toBeGreaterThanOrEqual(RATE_LIMIT_WAIT_MS - 50);
    expect(
      await platform.dataSource.query(`SELECT attempt, outcome, retry_after_ms FROM delivery_attempts WHERE message_id = $1 ORDER BY attempt`, [
        limitedId,
      ]),
    ).toEqual([
      { attempt: 1, outcome: 'rate-limited', retry_after_ms: RATE_LIMIT_WAIT_MS },
      { attempt: 2, outcome: 'sent', retry_after_ms: null },
    ]);

    graph.failNextSend({ code: 190, message: 'Error validating access token', status: 400, forText: 'Jeton expiré' });
    const refused = await reply(gendarme.socket, conversationId, 'Jeton expiré');
    const refusedId = refused.ok ? refused.data.id : '';
    const failed = await gendarme.log.waitFor<StatusEvent>('message:status', (event) => event.messageId === refusedId && event.status === 'failed');
    expect(failed.error).toMatch(/page token/);
    // Longer than the first retry's backoff: a retry would have happened by now.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(graph.messageSends().filter((request) => request.body.message?.text === 'Jeton expiré')).toHaveLength(1);
    expect(await platform.dataSource.query(`SELECT outcome FROM delivery_attempts WHERE message_id = $1`, [refusedId])).toEqual([
      { outcome: 'permanent' },
    ]);
  });

  it('turns echoes, deliveries and reads into status updates of the reply, never into messages', async () => {
    const { gendarme, conversationId } = await conversationWithOneCitizen('psid-status');
    const sent = await reply(gendarme.socket, conversationId, 'Votre demande est enregistrée');
    const messageId = sent.ok ? sent.data.id : '';
    await gendarme.log.waitFor<StatusEvent>('message:status', (event) => event.messageId === messageId && event.status === 'sent');
    const [{ channel_message_id: mid }] = await platform.dataSource.query(`SELECT channel_message_id FROM messages WHERE id = $1`, [messageId]);
    const messagesBefore = await count(`SELECT count(*)::int AS n FROM messages`);

    const echo = { sender: { id: PAGE_A }, recipient: { id: 'psid-status' }, timestamp: Date.now(), message: { mid, is_echo: true, text: 'x', metadata: messageId } };
    const delivery = { sender: { id: 'psid-status' }, recipient: { id: PAGE_A }, timestamp: Date.now(), delivery: { mids: [mid], watermark: Date.now() } };
    expect((await postWebhook(batch({ page: PAGE_A, events: [echo, delivery] }))).status).toBe(200);
    await gendarme.log.waitFor<StatusEvent>('message:status', (event) => event.messageId === messageId && event.status === 'delivered');

    const read = { sender: { id: 'psid-status' }, recipient: { id: PAGE_A }, timestamp: Date.now(), read: { watermark: Date.now() + 1000 } };
    expect((await postWebhook(batch({ page: PAGE_A, events: [read] }))).status).toBe(200);
    await gendarme.log.waitFor<StatusEvent>('message:status', (event) => event.messageId === messageId && event.status === 'read');
    expect(await count(`SELECT count(*)::int AS n FROM messages`)).toBe(messagesBefore);
    const [stored] = await platform.dataSource.query(`SELECT delivery_status FROM messages WHERE id = $1`, [messageId]);
    expect(stored.delivery_status).toBe('read');
  });

  it('records a reply the worker could not record when its echo comes back with our message id', async () => {
    const { conversationId } = await conversationWithOneCitizen('psid-echo');
    // A reply stored as queued whose send reached Meta but was never recorded (the worker died in between).
    const [{ id: messageId }] = await platform.dataSource.query(
      `INSERT INTO messages (conversation_id, channel, direction, author_type, text, delivery_status, client_message_id)
       VALUES ($1, 'facebook', 'outbound', 'agent', 'envoyé puis perdu', 'queued', 'lost-1') RETURNING id`,
      [conversationId],
    );
    await platform.dataSource.query(`INSERT INTO delivery_attempts (message_id, attempt, channel) VALUES ($1, 1, 'facebook')`, [messageId]);
    const echo = {
      sender: { id: PAGE_A },
      recipient: { id: 'psid-echo' },
      timestamp: Date.now(),
      message: { mid: 'm_from_echo', is_echo: true, text: 'envoyé puis perdu', metadata: messageId },
    };
    expect((await postWebhook(batch({ page: PAGE_A, events: [echo] }))).status).toBe(200);
    const [stored] = await platform.dataSource.query(`SELECT delivery_status, channel_message_id FROM messages WHERE id = $1`, [messageId]);
    expect(stored).toEqual({ delivery_status: 'sent', channel_message_id: 'm_from_echo' });
    expect(await platform.dataSource.query(`SELECT outcome, provider_message_id FROM delivery_attempts WHERE message_id = $1`, [messageId])).toEqual([
      { outcome: 'sent', provider_message_id: 'm_from_echo' },
    ]);
  });

  it('sends again a reply whose worker died mid-send (attempt in doubt), but never while another attempt is in flight', async () => {
    const { conversationId } = await conversationWithOneCitizen('psid-crash');
    // Two replies left queued by a worker that died: one abandoned a minute ago, one whose attempt started just now.
    const insertQueued = async (text: string, clientMessageId: string, attemptStartedAgo: string) => {
      const [{ id }] = await platform.dataSource.query(
        `INSERT INTO messages (conversation_id, channel, direction, author_type, text, delivery_status, client_message_id, created_at)
         VALUES ($1, 'facebook', 'outbound', 'agent', $2, 'queued', $3, now() - interval '2 minutes') RETURNING id`,
        [conversationId, text, clientMessageId],
      );
      await platform.dataSource.query(
        `INSERT INTO delivery_attempts (message_id, attempt, channel, started_at) VALUES ($1, 1, 'facebook', now() - $2::interval)`,
        [id, attemptStartedAgo],
      );
      return id as string;
    };
    const abandoned = await insertQueued('abandonnée', 'crash-1', '1 minute');
    const inFlight = await insertQueued('en cours', 'crash-2', '0 seconds');

    // The relay puts both back on the outbound queue.
    await graph.waitFor((request) => (request.body as { message?: { text?: string } })?.message?.text === 'abandonnée');
    await waitUntil(async () => {
      const [row] = await platform.dataSource.query(`SELECT delivery_status FROM messages WHERE id = $1`, [abandoned]);
      return row.delivery_status === 'sent';
    });
    expect(
      await platform.dataSource.query(`SELECT attempt, outcome FROM delivery_attempts WHERE message_id = $1 ORDER BY attempt`, [abandoned]),
    ).toEqual([
      { attempt: 1, outcome: 'in-doubt' },
      { attempt: 2, outcome: 'sent' },
    ]);
    // The other attempt is younger than the send timeout: it may still be on its way, so nothing is sent meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(graph.messageSends().filter((request) => request.body.message?.text === 'en cours')).toHaveLength(0);
    expect(await platform.dataSource.query(`SELECT outcome FROM delivery_attempts WHERE message_id = $1`, [inFlight])).toEqual([
      { outcome: 'pending' },
    ]);
  });

  it('turns desk typing into typing_on (at most one per 5 s) and typing_off, and opening into mark_seen, never as replies', async () => {
    const { gendarme, conversationId } = await conversationWithOneCitizen('psid-desk');
    // Counted for this conversation only: an earlier test's in-doubt reply may still be sent meanwhile.
    const outbound = `SELECT count(*)::int AS n FROM messages WHERE direction = 'outbound' AND conversation_id = '${conversationId}'`;
    const attempts = `SELECT count(*)::int AS n FROM delivery_attempts a JOIN messages m ON m.id = a.message_id WHERE m.conversation_id = '${conversationId}'`;
    const sendsToCitizen = () => graph.messageSends().filter((request) => request.body.recipient.id === 'psid-desk').length;
    await senderActionsSettled();
    // The conversation's own automatic messages may still be on their way to Meta: counted once they have arrived.
    await waitUntil(async () => {
      const messages = await count(outbound);
      return (await count(attempts)) >= messages && sendsToCitizen() >= messages;
    }, 30_000);
    const before = { sends: sendsToCitizen(), outbound: await count(outbound), attempts: await count(attempts) };

    // Three "typing" notices in a row (several desk tabs, repeated keystrokes): Meta hears one typing_on.
    for (let i = 0; i < 3; i += 1) expect(await typing(gendarme.socket, conversationId, true)).toEqual({ ok: true, data: { forwarded: true } });
    await graph.waitForSenderAction('typing_on');
    expect(await typing(gendarme.socket, conversationId, false)).toEqual({ ok: true, data: { forwarded: true } });
    await graph.waitForSenderAction('typing_off');
    await senderActionsSettled();
    expect(actionsFor('psid-desk')).toEqual(['typing_on', 'typing_off']);
    const [first] = graph.senderActions();
    expect(first.query.access_token).toBe(TOKEN_A);
    expect(first.body).toEqual({ recipient: { id: 'psid-desk' }, sender_action: 'typing_on' });

    // The agent opens the conversation: the citizen's message is read (stored) and Messenger shows "seen".
    const opened = await openOnDesk(gendarme.token, conversationId);
    expect(opened.status).toBe(200);
    expect(await opened.json()).toEqual({ conversationId, channel: 'facebook', read: 1 });
    await graph.waitForSenderAction('mark_seen');
    expect(
      await platform.dataSource.query(`SELECT delivery_status FROM messages WHERE conversation_id = $1 AND direction = 'inbound'`, [
        conversationId,
      ]),
    ).toEqual([{ delivery_status: 'read' }]);
    // Opening it again with nothing new sends nothing more.
    expect(await (await openOnDesk(gendarme.token, conversationId)).json()).toMatchObject({ read: 0 });
    await senderActionsSettled();
    expect(actionsFor('psid-desk')).toEqual(['typing_on', 'typing_off', 'mark_seen']);

    // Sender actions are not replies: no message, no delivery attempt, no Send API message call.
    expect({ sends: sendsToCitizen(), outbound: await count(outbound), attempts: await count(attempts) }).toEqual(before);

    // Another agent's typing about this conversation goes nowhere.
    const colleague = await availableAgent();
    expect(await typing(colleague.socket, conversationId, true)).toEqual({ ok: true, data: { forwarded: false } });
  });

  it('sends no sender action outside the 7-day window, and a Meta refusal of one bothers nobody', async () => {
    const { gendarme, conversationId } = await conversationWithOneCitizen('psid-late');
    await platform.dataSource.query(`UPDATE conversations SET last_citizen_message_at = now() - interval '8 days' WHERE id = $1`, [
      conversationId,
    ]);
    expect(await typing(gendarme.socket, conversationId, true)).toMatchObject({ ok: true });
    expect((await openOnDesk(gendarme.token, conversationId)).status).toBe(200);
    await senderActionsSettled();
    expect(actionsFor('psid-late')).toEqual([]);

    // Back within 24 h, Meta refuses the notice (551, person unavailable): dropped, nothing shown as failed.
    await platform.dataSource.query(`UPDATE conversations SET last_citizen_message_at = now() WHERE id = $1`, [conversationId]);
    graph.failNextSenderAction({ code: 551, message: '(#551) This person isn’t available right now.' }, 'typing_off');
    expect(await typing(gendarme.socket, conversationId, false)).toMatchObject({ ok: true, data: { forwarded: true } });
    await graph.waitForSenderAction('typing_off');
    await senderActionsSettled();
    // Refused once, never retried.
    expect(actionsFor('psid-late')).toEqual(['typing_off']);
    expect(gendarme.log.all('message:status').filter((event) => (event as StatusEvent).status === 'failed')).toEqual([]);
  });

  it('shows typing and seen to the citizen through sender actions', async () => {
    const { FacebookAdapter } = await import('@brigade/channels');
    const adapter = platform.app.get(FacebookAdapter);
    await adapter.senderAction({ externalId: 'psid-typing', channelAccount: PAGE_B }, 'typing_on');
    await adapter.senderAction({ externalId: 'psid-typing', channelAccount: PAGE_B }, 'mark_seen');
    expect(graph.senderActions().map((request) => [request.query.access_token, request.body])).toEqual([
      [TOKEN_B, { recipient: { id: 'psid-typing' }, sender_action: 'typing_on' }],
      [TOKEN_B, { recipient: { id: 'psid-typing' }, sender_action: 'mark_seen' }],
    ]);
  });
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export type { EventLog };

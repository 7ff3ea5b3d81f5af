import { createHmac } from 'node:crypto';
import type { DeskAssignmentEvent, DeskMessageView } from '@brigade/realtime';
import { FakeXApi, xWebhookSignature } from '@brigade/testing';
import { DeskClient, connectDesk, login, newClientMessageId } from '../support/clients';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

type Ack<T> = { ok: true; data: T } | { ok: false; error: string; status: number };
type StatusEvent = { messageId: string; conversationId: string; status: string; error: string | null };

const CONSUMER_SECRET = 'x-consumer-secret-used-only-in-tests';
const ACCOUNT_A = '1500000000000000001';
const ACCOUNT_B = '1500000000000000002';
const BODY_LIMIT = 16_384;

describe('X direct messages: signed webhook (both API shapes) -> desk -> reply through twitter-api-v2', () => {
  let xApi: FakeXApi;
  let platform: TestPlatform;
  let ackText: string;
  const sockets: { disconnect(): unknown }[] = [];

  beforeAll(async () => {
    xApi = await FakeXApi.start();
    platform = await startPlatform({
      X_ENABLED: 'true',
      X_CONSUMER_KEY: 'consumer-key',
      X_CONSUMER_SECRET: CONSUMER_SECRET,
      X_ACCOUNTS: `${ACCOUNT_A}:token-a:secret-a,${ACCOUNT_B}:token-b:secret-b`,
      X_API_BASE_URL: xApi.apiBaseUrl,
      WEBHOOK_BODY_LIMIT_BYTES: String(BODY_LIMIT),
    });
    ackText = platform.config.routing.acknowledgementText;
  });
  afterAll(async () => {
    await platform?.close();
    await xApi?.close();
  });
  beforeEach(async () => {
    await resetDatabase(platform.dataSource);
    xApi.reset();
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
    return { agent, ...desk };
  }

  function postWebhook(body: unknown, signature: string | null | undefined = undefined) {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const signed = signature === undefined ? xWebhookSignature(raw, CONSUMER_SECRET) : signature;
    if (signed !== null) headers['x-twitter-webhooks-signature'] = signed;
    return fetch(`${platform.url}/webhooks/twitter`, { method: 'POST', headers, body: raw });
  }

  function dm(id: string, senderId: string, recipientId: string, text: string, at = Date.now()) {
    return {
      type: 'message_create',
      id,
      created_timestamp: String(at),
      message_create: { target: { recipient_id: recipientId }, sender_id: senderId, message_data: { text, entities: {} } },
    };
  }

  function user(id: string, name: string) {
    return { [id]: { id, name, screen_name: name.toLowerCase().replace(/\s/g, '_') } };
  }

  /** The Account Activity API body. */
  function accountActivity(forUserId: string, events: unknown[], users: Record<string, unknown> = {}) {
    return { for_user_id: forUserId, direct_message_events: events, users };
  }

  /** The X Activity API body. */
  function xActivity(userId: string, events: unknown[], users: Record<string, unknown> = {}) {
    return {
      data: {
        event_uuid: `uuid-${Math.random()}`,
        filter: { user_id: userId },
        event_type: 'dm.received',
        tag: 'brigade',
        payload: { direct_message_events: events, users },
      },
    };
  }

  function reply(socket: DeskClient, conversationId: string, text: string) {
    return socket.emitWithAck('message:send', { conversationId, clientMessageId: newClientMessageId(), text }) as Promise<
      Ack<DeskMessageView>
    >;
  }

  async function count(sql: string, parameters: unknown[] = []): Promise<number> {
    return ((await platform.dataSource.query(sql, parameters)) as { n: number }[])[0].n;
  }

  async function conversationWithOneCitizen(citizen = '900') {
    const gendarme = await availableAgent();
    expect((await postWebhook(accountActivity(ACCOUNT_A, [dm(`dm-${citizen}`, citizen, ACCOUNT_A, 'Bonjour')]))).status).toBe(200);
    const assigned = await gendarme.log.waitFor<DeskAssignmentEvent>('conversation:assigned');
    await xApi.waitFor((request) => (request.body as { text?: string })?.text === ackText);
    return { gendarme, conversationId: assigned.conversation.id };
  }

  it("answers X's CRC check with the HMAC of the token under the consumer secret", async () => {
    const response = await fetch(`${platform.url}/webhooks/twitter?crc_token=challenge-123`);
    expect(response.status).toBe(200);
    const expected = `sha256=${createHmac('sha256', CONSUMER_SECRET).update('challenge-123').digest('base64')}`;
    expect(await response.json()).toEqual({ response_token: expected });
    expect((await fetch(`${platform.url}/webhooks/twitter`)).status).toBe(403);
  });

  it('takes DMs in the Account Activity shape, ignores our own, and replies through the DM API', async () => {
    const gendarme = await availableAgent();
    const t = Date.now() - 5000;
    const response = await postWebhook(
      accountActivity(
        ACCOUNT_A,
        [
          dm('1801', '42', ACCOUNT_A, 'Mon téléphone a été volé https://t.co/abc', t + 1),
          // Our own DM coming back on the webhook.
          dm('1802', ACCOUNT_A, '42', 'Bonjour, je suis gendarme', t + 2),
          {
            type: 'message_create',
            id: '1803',
            created_timestamp: String(t + 3),
            message_create: {
              target: { recipient_id: ACCOUNT_A },
              sender_id: '43',
              message_data: {
                text: 'Voici la photo https://t.co/media',
                entities: { urls: [{ url: 'https://t.co/media', expanded_url: 'https://x.com/messages/media/1803/photo/1' }] },
                attachment: { type: 'media', media: { type: 'photo', media_url_https: 'https://ton.x.com/dm/1803/photo.jpg' } },
              },
            },
          },
          { type: 'message_create', id: '1804' },
        ],
        { ...user('42', 'Jeanne Dupont'), ...user('43', 'Paul Durand'), ...user(ACCOUNT_A, 'Gendarmerie') },
      ),
    );
    expect(response.status).toBe(200);
    await gendarme.log.waitFor<DeskAssignmentEvent>('conversation:assigned', () => gendarme.log.all('conversation:assigned').length >= 2);
    const inbound = await platform.dataSource.query(
      `SELECT m.channel_message_id, m.text, m.attachments, i.channel_account, i.external_id, ct.display_name
         FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN channel_identities i ON i.id = c.identity_id
         JOIN contacts ct ON ct.id = c.contact_id
        WHERE m.direction = 'inbound' ORDER BY m.channel_message_id`,
    );
    expect(inbound).toEqual([
      {
        channel_message_id: '1801',
        text: 'Mon téléphone a été volé https://t.co/abc',
        attachments: [],
        channel_account: ACCOUNT_A,
        external_id: '42',
        display_name: 'Jeanne Dupont',
      },
      {
        channel_message_id: '1803',
        text: 'Voici la photo',
        // Downloaded at ingestion; this address does not answer here, so the link is kept, saying why.
        attachments: [{ type: 'image', url: 'https://ton.x.com/dm/1803/photo.jpg', unavailable: 'Téléchargement impossible' }],
        channel_account: ACCOUNT_A,
        external_id: '43',
        display_name: 'Paul Durand',
      },
    ]);

    const conversation = gendarme.log
      .all<DeskAssignmentEvent>('conversation:assigned')
      .find((event) => event.messages.some((message) => message.text.startsWith('Mon téléphone')))!;
    const sent = await reply(gendarme.socket, conversation.conversation.id, 'Avez-vous le numéro IMEI ?');
    const messageId = sent.ok ? sent.data.id : '';
    await gendarme.log.waitFor<StatusEvent>('message:status', (event) => event.messageId === messageId && event.status === 'sent');
    const [send] = xApi.dmSends().filter((request) => request.body.text === 'Avez-vous le numéro IMEI ?');
    expect(send.participantId).toBe('42');
    expect(send.path).toBe('/2/dm_conversations/with/42/messages');
    expect(String(send.headers.authorization)).toMatch(/^OAuth .*oauth_consumer_key="consumer-key".*oauth_token="token-a"/);
    const [stored] = await platform.dataSource.query(`SELECT delivery_status, channel_message_id FROM messages WHERE id = $1`, [messageId]);
    expect(stored.delivery_status).toBe('sent');
    expect(stored.channel_message_id).toMatch(/^17000000000000\d+$/);
  });

  it('takes DMs in the X Activity API shape (dm.received) for a second account and replies from that account', async () => {
    const gendarme = await availableAgent();
    const body = xActivity(ACCOUNT_B, [dm('2801', '77', ACCOUNT_B, 'Bonsoir, une question')], user('77', 'Léa Martin'));
    expect((await postWebhook(body)).status).toBe(200);
    // Other X Activity events are acknowledged and ignored.
    expect((await postWebhook({ data: { event_type: 'follow.follow', filter: { user_id: ACCOUNT_B }, payload: {} } })).status).toBe(200);
    const assigned = await gendarme.log.waitFor<DeskAssignmentEvent>('conversation:assigned');
    expect(assigned.messages.filter((message) => message.direction === 'inbound').map((message) => message.text)).toEqual([
      'Bonsoir, une question',
    ]);
    const sent = await reply(gendarme.socket, assigned.conversation.id, 'Je vous écoute');
    const messageId = sent.ok ? sent.data.id : '';
    await gendarme.log.waitFor<StatusEvent>('message:status', (event) => event.messageId === messageId && event.status === 'sent');
    const [send] = xApi.dmSends().filter((request) => request.body.text === 'Je vous écoute');
    expect(send.participantId).toBe('77');
    expect(String(send.headers.authorization)).toMatch(/oauth_token="token-b"/);
    expect(await count(`SELECT count(*)::int AS n FROM messages WHERE direction = 'inbound'`)).toBe(1);
  });

  it('refuses missing, forged and tampered signatures and stores nothing', async () => {
    const body = JSON.stringify(accountActivity(ACCOUNT_A, [dm('3801', '55', ACCOUNT_A, 'signed')]));
    expect((await postWebhook(body, null)).status).toBe(401);
    expect((await postWebhook(body, xWebhookSignature(body, 'another-secret'))).status).toBe(403);
    // Meta's hex form is not X's base64 form.
    expect((await postWebhook(body, `sha256=${createHmac('sha256', CONSUMER_SECRET).update(body).digest('hex')}`)).status).toBe(403);
    expect((await postWebhook(body.replace('signed', 'changed'), xWebhookSignature(body, CONSUMER_SECRET))).status).toBe(403);
    expect(await count(`SELECT count(*)::int AS n FROM inbox_entries`)).toBe(0);
  });

  it('stores a DM once when it arrives twice, and drops DMs for an account it does not serve', async () => {
    const event = dm('4801', '66', ACCOUNT_A, 'Deux fois');
    expect((await postWebhook(accountActivity(ACCOUNT_A, [event]))).status).toBe(200);
    expect((await postWebhook(xActivity(ACCOUNT_A, [event]))).status).toBe(200);
    expect((await postWebhook(accountActivity('999', [dm('4802', '66', '999', 'pas pour nous')]))).status).toBe(200);
    await waitUntil(async () => (await count(`SELECT count(*)::int AS n FROM inbox_entries WHERE processed_at IS NOT NULL`)) === 1);
    expect(await count(`SELECT count(*)::int AS n FROM messages WHERE direction = 'inbound'`)).toBe(1);
    expect(await count(`SELECT count(*)::int AS n FROM inbox_entries WHERE channel_message_id = '4802'`)).toBe(0);
  });

  it('answers 404 on the webhook of a channel switched off (Facebook here)', async () => {
    expect((await fetch(`${platform.url}/webhooks/facebook?hub.mode=subscribe&hub.verify_token=&hub.challenge=1`)).status).toBe(404);
    const response = await fetch(`${platform.url}/webhooks/facebook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ object: 'page', entry: [] }),
    });
    expect(response.status).toBe(404);
  });

  it('answers 400 to malformed JSON and 413 over the body limit', async () => {
    expect((await postWebhook('{"for_user_id":')).status).toBe(400);
    const big = accountActivity(ACCOUNT_A, [dm('5801', '88', ACCOUNT_A, 'y'.repeat(BODY_LIMIT))]);
    expect((await postWebhook(big)).status).toBe(413);
    expect(await count(`SELECT count(*)::int AS n FROM inbox_entries`)).toBe(0);
  });

  it('waits until the reset time after a 429 before retrying, and fails a 403 at once without retrying', async () => {
    const { gendarme, conversationId } = await conversationWithOneCitizen();
    const reset = xApi.rateLimitNextSend(2, 'Après la limite');
    const limited = await reply(gendarme.socket, conversationId, 'Après la limite');
    const limitedId = limited.ok ? limited.data.id : '';
    await gendarme.log.waitFor<StatusEvent>('message:status', (event) => event.messageId === limitedId && event.status === 'sent', 15_000);
    const tries = xApi.dmSends().filter((request) => request.body.text === 'Après la limite');
    expect(tries).toHaveLength(2);
    // The retry waits for the reset time X announced in x-rate-limit-reset.
    expect(tries[0].at).toBeLessThan(reset * 1000);
    expect(tries[1].at).toBeGreaterThanOrEqual(reset * 1000);
    expect(
      (await platform.dataSource.query(`SELECT outcome FROM delivery_attempts WHERE message_id = $1 ORDER BY attempt`, [limitedId])).map(
        (row: { outcome: string }) => row.outcome,
      ),
    ).toEqual(['rate-limited', 'sent']);

    xApi.failNextSend(403, 'Refusé');
    const refused = await reply(gendarme.socket, conversationId, 'Refusé');
    const refusedId = refused.ok ? refused.data.id : '';
    const failed = await gendarme.log.waitFor<StatusEvent>('message:status', (event) => event.messageId === refusedId && event.status === 'failed');
    expect(failed.error).toMatch(/does not accept direct messages/);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(xApi.dmSends().filter((request) => request.body.text === 'Refusé')).toHaveLength(1);
  });
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

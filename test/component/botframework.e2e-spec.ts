import type { DeskAssignmentEvent, DeskMessageView } from '@brigade/realtime';
import { BotFrameworkAdapter } from '@brigade/channels';
import { FakeBotConnector } from '@brigade/testing';
import { DeskClient, connectDesk, login, newClientMessageId } from '../support/clients';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

type Ack<T> = { ok: true; data: T } | { ok: false; error: string; status: number };

const APP_ID = '6d1b3c2e-0000-4000-8000-00000000b07';
const OUTBOUND_TOKEN = 'fixed-outbound-token-for-tests';

let activitySequence = 0;

function messageActivity(connector: FakeBotConnector, overrides: Record<string, unknown> = {}) {
  activitySequence += 1;
  return {
    type: 'message',
    id: `activity-${activitySequence}`,
    timestamp: new Date().toISOString(),
    serviceUrl: connector.serviceUrl,
    channelId: 'webchat',
    from: { id: 'dl_citizen-42', name: 'Camille' },
    recipient: { id: APP_ID, name: 'Brigade numérique' },
    conversation: { id: 'DirectLine-conv-1' },
    text: 'Bonjour, je voudrais signaler un vol de vélo',
    locale: 'fr-FR',
    ...overrides,
  };
}

function replyFromDesk(socket: DeskClient, conversationId: string, text: string) {
  return socket.emitWithAck('message:send', {
    conversationId,
    clientMessageId: newClientMessageId(),
    text,
  }) as Promise<Ack<DeskMessageView>>;
}

async function count(platform: TestPlatform, table: string): Promise<number> {
  const rows = await platform.dataSource.query(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0].n;
}

async function queuedOutbound(platform: TestPlatform): Promise<number> {
  const rows = await platform.dataSource.query(
    `SELECT count(*)::int AS n FROM messages WHERE direction = 'outbound' AND delivery_status = 'queued'`,
  );
  return rows[0].n;
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('Bot Framework channel with an app id: connector token -> desk -> reply through the connector', () => {
  let platform: TestPlatform;
  let connector: FakeBotConnector;
  const sockets: { disconnect(): unknown }[] = [];

  beforeAll(async () => {
    connector = await FakeBotConnector.start();
    platform = await startPlatform({
      BOTFRAMEWORK_ENABLED: 'true',
      BOTFRAMEWORK_APP_ID: APP_ID,
      BOTFRAMEWORK_APP_PASSWORD: 'not-used-with-a-static-token',
      BOTFRAMEWORK_OPENID_METADATA_URL: connector.openIdMetadataUrl,
      BOTFRAMEWORK_TOKEN_ISSUER: connector.tokenIssuer,
      BOTFRAMEWORK_STATIC_BEARER_TOKEN: OUTBOUND_TOKEN,
    });
  });
  afterAll(async () => {
    await platform?.close();
    await connector?.close();
  });
  beforeEach(async () => {
    await resetDatabase(platform.dataSource);
  });
  afterEach(() => {
    sockets.splice(0).forEach((socket) => socket.disconnect());
  });

  function post(body: unknown, token?: string) {
    return fetch(`${platform.url}/webhooks/botframework`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  async function availableAgent() {
    const agent = await createAgent(platform.dataSource);
    const token = await login(platform.url, agent.login, TEST_PASSWORD);
    const desk = await connectDesk(platform.url, token);
    sockets.push(desk.socket);
    const ack = (await desk.socket.emitWithAck('presence:set', { presence: 'available' })) as Ack<unknown>;
    expect(ack.ok).toBe(true);
    return { agent, ...desk };
  }

  /** A citizen message that has reached an agent's desk, ready to be answered. */
  async function assignedConversation() {
    const gendarme = await availableAgent();
    const activity = messageActivity(connector);
    const response = await post(activity, connector.issueToken({ appId: APP_ID }));
    expect(response.status).toBe(200);
    const assigned = await gendarme.log.waitFor<DeskAssignmentEvent>('conversation:assigned');
    // Whatever the platform sends on its own when a conversation opens (an acknowledgement) goes out first,
    // so that the connector's planned answers below apply to the agent's reply.
    await waitUntil(async () => (await queuedOutbound(platform)) === 0);
    return { gendarme, activity, assigned };
  }

  it('refuses an Activity without a valid connector token and stores nothing', async () => {
    const activity = messageActivity(connector);
    const refusals = [
      await post(activity),
      await post(activity, 'not-a-jwt'),
      await post(activity, connector.issueToken({ appId: APP_ID, signWith: 'unknown-key' })),
      await post(activity, connector.issueToken({ appId: APP_ID, signWith: 'forged' })),
      await post(activity, connector.issueToken({ appId: 'another-bot' })),
      await post(activity, connector.issueToken({ appId: APP_ID, issuer: 'https://issuer.example' })),
      await post(activity, connector.issueToken({ appId: APP_ID, expiresInSeconds: -3600 })),
      // A token issued for another serviceUrl must not let a caller steer our replies to its own host.
      await post(activity, connector.issueToken({ appId: APP_ID, serviceUrl: 'https://elsewhere.example/' })),
    ];
    expect(refusals.map((response) => response.status)).toEqual([401, 401, 401, 401, 401, 401, 401, 401]);
    // Give a wrongly accepted message every chance to show up.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await count(platform, 'inbox_entries')).toBe(0);
    expect(await count(platform, 'messages')).toBe(0);
  });

  it('delivers a message Activity to an agent desk and the agent reply to the connector conversation', async () => {
    const { gendarme, activity, assigned } = await assignedConversation();
    expect(assigned.conversation.assigneeId).toBe(gendarme.agent.id);
    expect(assigned.messages.filter((m) => m.author === 'citizen').map((m) => m.text)).toEqual([
      'Bonjour, je voudrais signaler un vol de vélo',
    ]);

    // The connector retries when unsure: the same Activity again is acknowledged and stored once.
    expect((await post(activity, connector.issueToken({ appId: APP_ID }))).status).toBe(200);

    const sent = await replyFromDesk(gendarme.socket, assigned.conversation.id, 'Bonjour Camille, je vous écoute.');
    expect(sent.ok).toBe(true);
    const delivered = await connector.waitForActivity((recorded) => recorded.activity.text === 'Bonjour Camille, je vous écoute.');
    expect(delivered.conversationId).toBe('DirectLine-conv-1');
    expect(delivered.authorization).toBe(`Bearer ${OUTBOUND_TOKEN}`);
    expect(delivered.activity).toMatchObject({
      type: 'message',
      text: 'Bonjour Camille, je vous écoute.',
      from: { id: APP_ID, name: 'Brigade numérique' },
      recipient: { id: 'dl_citizen-42' },
      conversation: { id: 'DirectLine-conv-1' },
    });
    await gendarme.log.waitFor<{ status: string }>('message:status', (event) => event.status === 'sent');

    const messages = await platform.dataSource.query(
      `SELECT direction, channel, text, delivery_status, channel_message_id FROM messages
        WHERE author_type IN ('citizen', 'agent') ORDER BY created_at`,
    );
    expect(messages).toEqual([
      {
        direction: 'inbound',
        channel: 'botframework',
        text: 'Bonjour, je voudrais signaler un vol de vélo',
        delivery_status: 'received',
        channel_message_id: `DirectLine-conv-1:${activity.id}`,
      },
      {
        direction: 'outbound',
        channel: 'botframework',
        text: 'Bonjour Camille, je vous écoute.',
        delivery_status: 'sent',
        channel_message_id: expect.stringMatching(/^reply-\d+$/),
      },
    ]);
    const identities = await platform.dataSource.query(`SELECT external_id, channel_account, address FROM channel_identities`);
    expect(identities).toEqual([
      {
        external_id: 'webchat:dl_citizen-42',
        channel_account: APP_ID,
        address: expect.objectContaining({ serviceUrl: connector.serviceUrl, conversationId: 'DirectLine-conv-1' }),
      },
    ]);
  });

  it('retries a reply the connector throttled with 429', async () => {
    const { gendarme, assigned } = await assignedConversation();
    connector.failNext({ status: 429, retryAfterSeconds: 0 });

    const sent = await replyFromDesk(gendarme.socket, assigned.conversation.id, 'Un gendarme vous répond.');
    expect(sent.ok).toBe(true);
    const delivered = await connector.waitForActivity((recorded) => recorded.activity.text === 'Un gendarme vous répond.');
    expect(delivered.conversationId).toBe('DirectLine-conv-1');
    expect(connector.refused).toEqual([429]);
    await gendarme.log.waitFor<{ status: string }>('message:status', (event) => event.status === 'sent');
    const [reply] = await platform.dataSource.query(
      `SELECT delivery_status, delivery_attempts FROM messages WHERE author_type = 'agent'`,
    );
    expect(reply).toEqual({ delivery_status: 'sent', delivery_attempts: 2 });
  });

  it('marks a reply failed, without retrying, when the connector refuses it with 403', async () => {
    const { gendarme, assigned } = await assignedConversation();
    connector.failNext({ status: 403 });

    const sent = await replyFromDesk(gendarme.socket, assigned.conversation.id, 'Ce message sera refusé.');
    expect(sent.ok).toBe(true);
    const failed = await gendarme.log.waitFor<{ status: string; error: string | null }>(
      'message:status',
      (event) => event.status === 'failed',
    );
    expect(failed.error).toContain('403');
    const [reply] = await platform.dataSource.query(
      `SELECT delivery_status, delivery_attempts FROM messages WHERE author_type = 'agent'`,
    );
    expect(reply).toEqual({ delivery_status: 'failed', delivery_attempts: 1 });
    expect(connector.activities.filter((recorded) => recorded.activity.text === 'Ce message sera refusé.')).toEqual([]);
  });

  it('shows the citizen that an agent is typing', async () => {
    await assignedConversation();
    const [identity] = await platform.dataSource.query(`SELECT external_id, channel_account, address FROM channel_identities`);
    await platform.app.get(BotFrameworkAdapter).sendTyping({
      externalId: identity.external_id,
      channelAccount: identity.channel_account,
      address: identity.address,
    });
    const typing = await connector.waitForActivity((recorded) => recorded.activity.type === 'typing');
    expect(typing.conversationId).toBe('DirectLine-conv-1');
    expect(typing.activity).toMatchObject({ from: { id: APP_ID }, recipient: { id: 'dl_citizen-42' } });
  });

  it('acknowledges activities other than messages without storing them, and rejects malformed bodies', async () => {
    const token = connector.issueToken({ appId: APP_ID });
    const update = messageActivity(connector, { type: 'conversationUpdate', text: undefined, membersAdded: [{ id: APP_ID }] });
    expect((await post(update, token)).status).toBe(200);
    expect((await post(messageActivity(connector, { type: 'typing', text: undefined }), token)).status).toBe(200);
    expect((await post('{"type": "message", ', token)).status).toBe(400);
    expect((await post(messageActivity(connector, { conversation: undefined }), token)).status).toBe(400);
    expect(await count(platform, 'inbox_entries')).toBe(0);
  });
});

describe('Bot Framework channel without an app id (development only)', () => {
  let platform: TestPlatform;
  let connector: FakeBotConnector;

  beforeAll(async () => {
    connector = await FakeBotConnector.start();
    platform = await startPlatform({ NODE_ENV: 'development', BOTFRAMEWORK_ENABLED: 'true' });
  });
  afterAll(async () => {
    await platform?.close();
    await connector?.close();
  });
  beforeEach(async () => {
    await resetDatabase(platform.dataSource);
  });

  it('accepts Activities without a token, as the Bot Framework Emulator sends them', async () => {
    const response = await fetch(`${platform.url}/webhooks/botframework`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(messageActivity(connector, { channelId: 'emulator' })),
    });
    expect(response.status).toBe(200);
    await waitUntil(async () => (await count(platform, 'inbox_entries WHERE processed_at IS NOT NULL')) === 1);
    const [message] = await platform.dataSource.query(`SELECT channel, text FROM messages WHERE direction = 'inbound'`);
    expect(message).toEqual({ channel: 'botframework', text: 'Bonjour, je voudrais signaler un vol de vélo' });
  });
});

import { createHmac, randomBytes } from 'node:crypto';
import { FakeGraphApi } from '@brigade/testing';
import { connectCitizen, connectDesk, login, newClientMessageId } from '../support/clients';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

type Ack = { ok: boolean; status?: number; error?: string; data?: unknown };

const APP_SECRET = 'facebook-app-secret-used-only-in-tests';
const X_SECRET = 'x-consumer-secret-used-only-in-tests';
const PAGE = '100200300';
const X_ACCOUNT = '700800900';

/** Odd bytes from citizens never block a channel: repaired, refused clearly, or quarantined, never a 500. */
describe('poison messages: repaired, refused or quarantined, on every entry point', () => {
  let graph: FakeGraphApi;
  let platform: TestPlatform;
  const sockets: { disconnect(): unknown }[] = [];

  beforeAll(async () => {
    graph = await FakeGraphApi.start();
    platform = await startPlatform({
      AUTH_LOGIN_ATTEMPTS_PER_MINUTE: '1000',
      FACEBOOK_ENABLED: 'true',
      FACEBOOK_APP_SECRET: APP_SECRET,
      FACEBOOK_VERIFY_TOKEN: 'verify-token-of-the-tests',
      FACEBOOK_PAGES: `${PAGE}:EAAPageToken`,
      FACEBOOK_GRAPH_BASE_URL: graph.baseUrl,
      X_ENABLED: 'true',
      X_CONSUMER_KEY: 'consumer-key',
      X_CONSUMER_SECRET: X_SECRET,
      X_ACCOUNTS: `${X_ACCOUNT}:token-a:secret-a`,
      X_API_BASE_URL: graph.baseUrl,
    });
  });
  afterAll(async () => {
    sockets.forEach((socket) => socket.disconnect());
    await platform.close();
    await graph.close();
  });
  beforeEach(async () => {
    await resetDatabase(platform.dataSource);
  });

  const query = <T = Record<string, unknown>>(sql: string, parameters: unknown[] = []) =>
    platform.dataSource.query(sql, parameters) as Promise<T[]>;

  /** Posts raw bytes (not re-encoded by JSON.stringify) to a webhook, signed as the provider would. */
  function postFacebook(raw: string | Buffer) {
    const bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
    const signature = `sha256=${createHmac('sha256', APP_SECRET).update(bytes).digest('hex')}`;
    return fetch(`${platform.url}/webhooks/facebook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
      body: bytes,
    });
  }

  function postX(raw: string) {
    const signature = `sha256=${createHmac('sha256', X_SECRET).update(raw).digest('base64')}`;
    return fetch(`${platform.url}/webhooks/twitter`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': signature },
      body: raw,
    });
  }

  /** A Messenger text event written as JSON text, so that `\ud800` reaches the platform as the escape Meta sends. */
  const messengerBody = (psid: string, mid: string, textJson: string) =>
    `{"object":"page","entry":[{"id":"${PAGE}","time":${Date.now()},"messaging":[{"sender":{"id":"${psid}"},"recipient":{"id":"${PAGE}"},"timestamp":${Date.now()},"message":{"mid":"${mid}","text":${textJson}}}]}]}`;

  async function waitForRows(sql: string, expected: number, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rows = await query(sql);
      if (rows.length >= expected || Date.now() > deadline) return rows;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('repairs lone surrogate escapes in every field of a Messenger event: 200, stored with U+FFFD, retried by nobody', async () => {
    const response = await postFacebook(messengerBody('psid-\\udc00', 'mid.\\ud800seul', '"seul \\ud800 et \\udfff fin \\ud83d\\ude00"'));
    expect(response.status).toBe(200);
    const [entry] = await query<{ payload: { text: string; channelMessageId: string; sender: { externalId: string } } }>(
      `SELECT payload FROM inbox_entries WHERE channel = 'facebook'`,
    );
    expect(entry.payload.text).toBe('seul \uFFFD et \uFFFD fin 😀');
    expect(entry.payload.channelMessageId).toBe('mid.\uFFFDseul');
    expect(entry.payload.sender.externalId).toBe('psid-\uFFFD');
    const [message] = await waitForRows(`SELECT text FROM messages WHERE author_type = 'citizen'`, 1);
    expect(message).toEqual({ text: 'seul \uFFFD et \uFFFD fin 😀' });
    // Sent again by Meta: recognised, not stored twice.
    expect((await postFacebook(messengerBody('psid-\\udc00', 'mid.\\ud800seul', '"seul \\ud800 et \\udfff fin \\ud83d\\ude00"'))).status).toBe(200);
    expect(await query(`SELECT id FROM inbox_entries`)).toHaveLength(1);
  });

  it('repairs an X direct message with an unpaired escape: 200 and stored', async () => {
    const raw = `{"for_user_id":"${X_ACCOUNT}","direct_message_events":[{"type":"message_create","id":"dm-\\udbff-1","created_timestamp":"${Date.now()}","message_create":{"target":{"recipient_id":"${X_ACCOUNT}"},"sender_id":"4242","message_data":{"text":"seul \\ud800","entities":{}}}}],"users":{"4242":{"id":"4242","name":"Nom \\udc00","screen_name":"nom"}}}`;
    const response = await postX(raw);
    expect(response.status).toBe(200);
    const [entry] = await query<{ payload: { text: string; channelMessageId: string } }>(`SELECT payload FROM inbox_entries WHERE channel = 'x'`);
    expect(entry.payload).toMatchObject({ text: 'seul \uFFFD', channelMessageId: 'dm-\uFFFD-1' });
  });

  it('answers invalid UTF-8 in a webhook body with 200 and stores what can be read', async () => {
    const [before, after] = messengerBody('psid-utf8', 'mid.utf8', '"TEXT"').split('TEXT');
    const body = Buffer.concat([Buffer.from(`${before}avant `, 'utf8'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(` après${after}`, 'utf8')]);
    const response = await postFacebook(body);
    expect(response.status).toBeLessThan(500);
    expect([200, 400]).toContain(response.status);
    if (response.status === 200) {
      const [entry] = await query<{ payload: { text: string } }>(`SELECT payload FROM inbox_entries`);
      expect(entry.payload.text).toMatch(/^avant .*après$/);
    }
  });

  it('records a Messenger message left empty by cleaning in the quarantine, answers 200, and lets an admin see and replay it', async () => {
    const response = await postFacebook(messengerBody('psid-nul', 'mid.nul', '"\\u0000\\u0000"'));
    expect(response.status).toBe(200);
    expect(await query(`SELECT id FROM inbox_entries`)).toHaveLength(0);
    const [quarantined] = await query<{ id: string; reason: string; raw: Buffer; channel: string }>(
      `SELECT id, reason, raw, channel FROM quarantined_messages`,
    );
    expect(quarantined).toMatchObject({ reason: 'empty', channel: 'facebook' });
    // The bytes as they arrived, NUL escapes included.
    expect(quarantined.raw.toString('utf8')).toContain('"text":"\\u0000\\u0000"');

    const admin = await createAgent(platform.dataSource, { role: 'admin' });
    const supervisor = await createAgent(platform.dataSource, { role: 'supervisor' });
    const adminToken = await login(platform.url, admin.login, TEST_PASSWORD);
    const supervisorToken = await login(platform.url, supervisor.login, TEST_PASSWORD);
    const get = (path: string, token: string) => fetch(`${platform.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect(await (await get('/api/admin/quarantine/count', supervisorToken)).json()).toEqual({ open: 1 });
    expect((await get('/api/admin/quarantine', supervisorToken)).status).toBe(403);
    const listed = (await (await get('/api/admin/quarantine', adminToken)).json()) as { open: number; items: Record<string, unknown>[] };
    expect(listed.open).toBe(1);
    expect(listed.items[0]).toMatchObject({ id: quarantined.id, reason: 'empty', channel: 'facebook', channelMessageId: 'mid.nul' });
    expect(listed.items[0]).not.toHaveProperty('raw');

    const replay = await fetch(`${platform.url}/api/admin/quarantine/${quarantined.id}/replay`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ outcome: 'empty', replayed: false });
    // Still quarantined, not recorded twice; the replay is audited.
    expect(await query(`SELECT replay_outcome FROM quarantined_messages`)).toEqual([{ replay_outcome: 'empty' }]);
    expect(await query(`SELECT actor_id FROM audit_events WHERE action = 'quarantine.replay'`)).toEqual([{ actor_id: admin.id }]);
  });

  it('quarantines a message PostgreSQL refuses for good with its raw bytes, answers 200, and replays it once storable', async () => {
    // A message id too long for the inbox's unique index: PostgreSQL refuses it (SQLSTATE 54000), every time.
    const longId = `mid.${randomBytes(3000).toString('base64url')}`;
    const response = await postFacebook(messengerBody('psid-long', longId, '"Bonjour, message trop long à indexer"'));
    expect(response.status).toBe(200);
    const rows = await query<{ id: string; reason: string; error: string }>(`SELECT id, reason, error FROM quarantined_messages`);
    expect(rows).toEqual([{ id: expect.any(String), reason: 'refused', error: expect.stringMatching(/^54000 /) }]);
    // Other messages of the channel keep flowing.
    expect((await postFacebook(messengerBody('psid-ok', 'mid.ok', '"Bonjour"'))).status).toBe(200);
    expect(await query(`SELECT channel_message_id FROM inbox_entries`)).toEqual([{ channel_message_id: 'mid.ok' }]);

    const admin = await createAgent(platform.dataSource, { role: 'admin' });
    const adminToken = await login(platform.url, admin.login, TEST_PASSWORD);
    const replay = await fetch(`${platform.url}/api/admin/quarantine/${rows[0].id}/replay`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(await replay.json()).toEqual({ outcome: 'refused', replayed: false });
    expect(await query(`SELECT count(*)::int AS n FROM quarantined_messages`)).toEqual([{ n: 1 }]);
  });

  it('web chat: repairs lone surrogates, refuses a message empty after cleaning with a clear 400', async () => {
    const agent = await createAgent(platform.dataSource, { presence: 'available' });
    const desk = await connectDesk(platform.url, await login(platform.url, agent.login, TEST_PASSWORD));
    sockets.push(desk.socket);
    const { socket, log } = await connectCitizen(platform.url);
    sockets.push(socket);
    await log.waitFor('session');
    const repaired = (await socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text: 'seul \ud800' })) as Ack;
    expect(repaired.ok).toBe(true);
    for (const text of ['\u0000', '\u0000\u0000 ', '\u0007\u0001']) {
      const ack = (await socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text })) as Ack;
      expect(ack).toMatchObject({ ok: false, status: 400 });
    }
    const deep = (await socket.emitWithAck('message:send', JSON.parse(`${'{"a":'.repeat(60)}1${'}'.repeat(60)}`))) as Ack;
    expect(deep).toMatchObject({ ok: false, status: 400 });
    const stored = await waitForRows(`SELECT text FROM messages WHERE author_type = 'citizen'`, 1);
    expect(stored).toEqual([{ text: 'seul \uFFFD' }]);
    expect(await query(`SELECT id FROM quarantined_messages`)).toHaveLength(0);
  });

  it('REST: deep JSON is 400 (never 500) on every entry point; lone surrogates and NUL in a body are stored repaired', async () => {
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
      fetch(`${platform.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    expect((await post('/api/auth/login', deep)).status).toBe(400);
    expect((await post('/api/auth/refresh', deep)).status).toBe(400);
    expect((await post('/api/auth/password-reset', deep)).status).toBe(400);
    expect((await post('/api/webchat/exit', deep)).status).toBe(400);
    expect((await postFacebook(deep)).status).toBeLessThan(500);
    expect((await postX(deep)).status).toBeLessThan(500);
    const agent = await createAgent(platform.dataSource, { role: 'admin' });
    const token = await login(platform.url, agent.login, TEST_PASSWORD);
    expect((await post('/api/admin/agents', deep, { authorization: `Bearer ${token}` })).status).toBe(400);
    // NUL dropped, the password is empty: refused by validation.
    expect((await post('/api/auth/login', '{"login":"a\\ud800","password":"\\u0000"}')).status).toBe(400);
    expect((await post('/api/auth/login', '{"login":"a\\ud800","password":"x\\udc00"}')).status).toBe(401);

    // An administrator's free text with a lone surrogate and a NUL: stored repaired, not a 500 from jsonb.
    const created = await post(
      '/api/admin/agents',
      JSON.stringify({ login: 'gendarme.surrogate', displayName: 'Nom \ud800 bizarre\u0000', password: 'un mot de passe solide' }),
      { authorization: `Bearer ${token}` },
    );
    expect(created.status).toBe(201);
    const [row] = await query<{ display_name: string }>(`SELECT display_name FROM agents WHERE login = 'gendarme.surrogate'`);
    expect(row.display_name).toBe('Nom \uFFFD bizarre');
    const audited = await query<{ details: { login: string } }>(`SELECT details FROM audit_events WHERE action = 'agent.create'`);
    expect(audited).toHaveLength(1);
  });
});

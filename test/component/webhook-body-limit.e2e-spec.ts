import { FakeGraphApi, FakeXApi, metaWebhookSignature, xWebhookSignature } from '@brigade/testing';
import { resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

const APP_SECRET = 'facebook-app-secret-used-only-in-tests';
const CONSUMER_SECRET = 'x-consumer-secret-used-only-in-tests';
const PAGE = '100200300';
const ACCOUNT = '990001';
const LIMIT = 512 * 1024;

/** The webhook routes have their own body parser: their limit is honoured above the global 256 kB of the API. */
describe('webhook body limit above the global JSON limit', () => {
  let graph: FakeGraphApi;
  let xApi: FakeXApi;
  let platform: TestPlatform;

  beforeAll(async () => {
    graph = await FakeGraphApi.start();
    xApi = await FakeXApi.start();
    platform = await startPlatform({
      FACEBOOK_ENABLED: 'true',
      FACEBOOK_APP_SECRET: APP_SECRET,
      FACEBOOK_VERIFY_TOKEN: 'verify',
      FACEBOOK_PAGES: `${PAGE}:EAAPageToken`,
      FACEBOOK_GRAPH_BASE_URL: graph.baseUrl,
      FACEBOOK_FETCH_PROFILES: 'false',
      X_ENABLED: 'true',
      X_CONSUMER_KEY: 'key',
      X_CONSUMER_SECRET: CONSUMER_SECRET,
      X_ACCOUNTS: `${ACCOUNT}:token:secret`,
      X_API_BASE_URL: xApi.baseUrl,
      WEBHOOK_BODY_LIMIT_BYTES: String(LIMIT),
    });
  });
  afterAll(async () => {
    await platform?.close();
    await graph?.close();
    await xApi?.close();
  });
  beforeEach(() => resetDatabase(platform.dataSource));

  /** A Messenger batch of one message whose JSON is exactly `size` bytes. */
  function facebookBody(size: number, mid: string): string {
    const build = (text: string) =>
      JSON.stringify({
        object: 'page',
        entry: [{ id: PAGE, time: Date.now(), messaging: [{ sender: { id: 'psid-big' }, recipient: { id: PAGE }, timestamp: Date.now(), message: { mid, text } }] }],
      });
    return build('x'.repeat(size - build('').length));
  }

  const postFacebook = (raw: string) =>
    fetch(`${platform.url}/webhooks/facebook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaWebhookSignature(raw, APP_SECRET) },
      body: raw,
    });

  const stored = async (): Promise<number> =>
    ((await platform.dataSource.query(`SELECT count(*)::int AS n FROM inbox_entries`)) as { n: number }[])[0].n;

  it('accepts and stores a valid signed 300 KB Messenger webhook when the limit is 512 KB', async () => {
    const raw = facebookBody(300 * 1024, 'mid.300kb');
    expect(Buffer.byteLength(raw)).toBe(300 * 1024);
    const response = await postFacebook(raw);
    expect(response.status).toBe(200);
    const rows: { channel_message_id: string; length: number }[] = await platform.dataSource.query(
      `SELECT payload->>'channelMessageId' AS channel_message_id, length(payload->>'text') AS length FROM inbox_entries`,
    );
    expect(rows).toEqual([{ channel_message_id: 'mid.300kb', length: expect.any(Number) }]);
    expect(rows[0].length).toBeGreaterThan(300_000);
  });

  it('answers 413 to a body one byte over the limit and stores nothing (Messenger and X)', async () => {
    const response = await postFacebook(facebookBody(LIMIT + 1, 'mid.over'));
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ statusCode: 413 });
    const atLimit = await postFacebook(facebookBody(LIMIT, 'mid.at-limit'));
    expect(atLimit.status).toBe(200);
    expect(await stored()).toBe(1);

    const dm = (text: string) =>
      JSON.stringify({
        for_user_id: ACCOUNT,
        direct_message_events: [
          { type: 'message_create', id: 'dm-over', created_timestamp: String(Date.now()), message_create: { target: { recipient_id: ACCOUNT }, sender_id: '77', message_data: { text } } },
        ],
        users: {},
      });
    const over = dm('y'.repeat(LIMIT + 1 - dm('').length));
    const xResponse = await fetch(`${platform.url}/webhooks/twitter`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': xWebhookSignature(over, CONSUMER_SECRET) },
      body: over,
    });
    expect(xResponse.status).toBe(413);
    expect(await stored()).toBe(1);
  });

  it('keeps the global 256 KB limit on the other routes', async () => {
    const response = await fetch(`${platform.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'a', password: 'x'.repeat(300 * 1024) }),
    });
    expect(response.status).toBe(413);
  });
});

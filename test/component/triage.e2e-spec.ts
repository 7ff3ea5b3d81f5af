import type { CitizenMessageView, DeskAssignmentEvent } from '@brigade/realtime';
import { FakeBotConnector, FakeGraphApi, FakeXApi, metaWebhookSignature, xWebhookSignature } from '@brigade/testing';
import { connectCitizen, connectDesk, login, newClientMessageId } from '../support/clients';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

const APP_SECRET = 'facebook-app-secret-for-the-triage-tests';
const PAGE = '700800900';
const X_SECRET = 'x-consumer-secret-for-the-triage-tests';
const X_ACCOUNT = '4455667788';
const EMERGENCY_NUMBERS = /17.*112.*114/s;

describe('triage: emergency wording on every channel jumps the queue and gives 17 / 112 / 114 at once', () => {
  let platform: TestPlatform;
  let graph: FakeGraphApi;
  let xApi: FakeXApi;
  let connector: FakeBotConnector;
  const sockets: { disconnect(): unknown }[] = [];

  beforeAll(async () => {
    [graph, xApi, connector] = await Promise.all([FakeGraphApi.start(), FakeXApi.start(), FakeBotConnector.start()]);
    platform = await startPlatform({
      NODE_ENV: 'development',
      FACEBOOK_ENABLED: 'true',
      FACEBOOK_APP_SECRET: APP_SECRET,
      FACEBOOK_VERIFY_TOKEN: 'verify-token-for-the-triage-tests',
      FACEBOOK_PAGES: `${PAGE}:EAAPageToken`,
      FACEBOOK_GRAPH_BASE_URL: graph.baseUrl,
      X_ENABLED: 'true',
      X_CONSUMER_KEY: 'consumer-key',
      X_CONSUMER_SECRET: X_SECRET,
      X_ACCOUNTS: `${X_ACCOUNT}:token:secret`,
      X_API_BASE_URL: xApi.apiBaseUrl,
      BOTFRAMEWORK_ENABLED: 'true',
    });
  });
  afterAll(async () => {
    await platform?.close();
    await Promise.all([graph.close(), xApi.close(), connector.close()]);
  });
  beforeEach(async () => {
    await resetDatabase(platform.dataSource);
    graph.reset();
  });
  afterEach(() => {
    sockets.splice(0).forEach((socket) => socket.disconnect());
  });

  const db = () => platform.dataSource;

  /** Two ordinary conversations wait in the queue, nobody is on duty. */
  async function routineConversationsWaiting(): Promise<void> {
    for (const text of ['Bonjour, une question sur une procuration', 'Je voudrais des nouvelles de mon dossier']) {
      const citizen = await connectCitizen(platform.url);
      sockets.push(citizen.socket);
      await citizen.log.waitFor('session');
      await citizen.socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text });
    }
    await waitUntil(async () => (await db().query(`SELECT count(*)::int AS n FROM conversations WHERE status = 'waiting'`))[0].n === 2);
  }

  /** A gendarme with room for one conversation comes on duty: the queue is served in priority order. */
  async function gendarmeWithRoomForOne() {
    const agent = await createAgent(db(), { capacity: 1 });
    const desk = await connectDesk(platform.url, await login(platform.url, agent.login, TEST_PASSWORD));
    sockets.push(desk.socket);
    await desk.socket.emitWithAck('presence:set', { presence: 'available' });
    return desk.log.waitFor<DeskAssignmentEvent>('conversation:assigned');
  }

  async function expectServedFirst(channel: string, assigned: DeskAssignmentEvent) {
    expect(assigned.conversation.channel).toBe(channel);
    expect(assigned.conversation.priority).toBe(0);
    const waiting = await db().query(`SELECT priority FROM conversations WHERE status = 'waiting'`);
    expect(waiting).toEqual([{ priority: 2 }, { priority: 2 }]);
    const audit = await db().query(`SELECT action FROM audit_events WHERE action = 'triage.emergency'`);
    expect(audit).toHaveLength(1);
  }

  it('web chat', async () => {
    await routineConversationsWaiting();
    const citizen = await connectCitizen(platform.url);
    sockets.push(citizen.socket);
    await citizen.log.waitFor('session');
    await citizen.socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text: 'Aidez-moi, il a un couteau !' });
    const warning = await citizen.log.waitFor<CitizenMessageView>('message', (m) => m.author === 'system' && EMERGENCY_NUMBERS.test(m.text));
    expect(warning.text).toMatch(/114/);
    await expectServedFirst('webchat', await gendarmeWithRoomForOne());
  });

  it('Facebook Messenger', async () => {
    await routineConversationsWaiting();
    const body = JSON.stringify({
      object: 'page',
      entry: [
        {
          id: PAGE,
          time: Date.now(),
          messaging: [
            { sender: { id: 'psid-1' }, recipient: { id: PAGE }, timestamp: Date.now(), message: { mid: 'm_triage_1', text: 'Je suis en danger, il me frappe' } },
          ],
        },
      ],
    });
    const response = await fetch(`${platform.url}/webhooks/facebook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaWebhookSignature(body, APP_SECRET) },
      body,
    });
    expect(response.status).toBe(200);
    await waitUntil(async () => graph.messageSends().some((send) => EMERGENCY_NUMBERS.test(send.body.message?.text ?? '')));
    await expectServedFirst('facebook', await gendarmeWithRoomForOne());
  });

  it('X direct messages', async () => {
    await routineConversationsWaiting();
    const body = JSON.stringify({
      for_user_id: X_ACCOUNT,
      direct_message_events: [
        {
          type: 'message_create',
          id: 'dm-triage-1',
          created_timestamp: String(Date.now()),
          message_create: { target: { recipient_id: X_ACCOUNT }, sender_id: '998877', message_data: { text: 'au secours il veut me tuer' } },
        },
      ],
      users: { '998877': { id: '998877', name: 'Dominique', screen_name: 'dom' } },
    });
    const response = await fetch(`${platform.url}/webhooks/twitter`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': xWebhookSignature(body, X_SECRET) },
      body,
    });
    expect(response.status).toBe(200);
    await waitUntil(async () => (await xApi.dmSends()).some((send) => EMERGENCY_NUMBERS.test(JSON.stringify(send))));
    await expectServedFirst('x', await gendarmeWithRoomForOne());
  });

  it('Bot Framework (Teams, Web Chat / Direct Line)', async () => {
    await routineConversationsWaiting();
    const response = await fetch(`${platform.url}/webhooks/botframework`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        id: 'activity-triage-1',
        timestamp: new Date().toISOString(),
        serviceUrl: connector.serviceUrl,
        channelId: 'msteams',
        from: { id: 'teams-user-1', name: 'Alex' },
        recipient: { id: 'brigade-bot', name: 'Brigade numérique' },
        conversation: { id: 'teams-conv-1' },
        text: 'I am in danger, he has a gun',
      }),
    });
    expect(response.status).toBe(200);
    await connector.waitForActivity((recorded) => EMERGENCY_NUMBERS.test(recorded.activity.text ?? ''));
    await expectServedFirst('botframework', await gendarmeWithRoomForOne());
  });

  it('answers a frequent question while the citizen waits, and the agent sees the whole exchange', async () => {
    const citizen = await connectCitizen(platform.url);
    sockets.push(citizen.socket);
    await citizen.log.waitFor('session');
    await citizen.socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text: 'Comment faire une procuration ?' });
    const answer = await citizen.log.waitFor<CitizenMessageView>('message', (m) => /maprocuration/.test(m.text));
    expect(answer.text).toMatch(/gendarme/);
    await citizen.socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text: '2' });
    await waitUntil(async () => (await db().query(`SELECT queue FROM conversations`))[0]?.queue === 'offence');

    const assigned = await gendarmeWithRoomForOne();
    const texts = assigned.messages.map((m) => `${m.author}: ${m.text.split('\n')[0]}`);
    expect(texts).toEqual(
      expect.arrayContaining([
        'citizen: Comment faire une procuration ?',
        expect.stringMatching(/^system: Faites votre demande de procuration/),
        expect.stringMatching(/^system: Pour mieux vous orienter/),
        'citizen: 2',
        expect.stringMatching(/^system: Merci\. Votre demande « Signaler une infraction/),
      ]),
    );
  });
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

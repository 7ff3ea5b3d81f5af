import type { CitizenMessageView, DeskAssignmentEvent } from '@brigade/realtime';
import { FakeGraphApi, metaWebhookSignature } from '@brigade/testing';
import { connectCitizen, connectDesk, login, newClientMessageId } from '../support/clients';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

type Ack<T> = { ok: true; data: T } | { ok: false; error: string; status: number };

const APP_SECRET = 'facebook-app-secret-used-only-in-tests';
const PAGE = '100200300';

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('five languages end to end: the citizen is answered in French, English, German, Italian or Spanish', () => {
  let graph: FakeGraphApi;
  let platform: TestPlatform;
  const sockets: { disconnect(): unknown }[] = [];

  beforeAll(async () => {
    graph = await FakeGraphApi.start();
    platform = await startPlatform({
      FACEBOOK_ENABLED: 'true',
      FACEBOOK_APP_SECRET: APP_SECRET,
      FACEBOOK_VERIFY_TOKEN: 'verify-token-of-the-tests',
      FACEBOOK_PAGES: `${PAGE}:EAAPageToken`,
      FACEBOOK_GRAPH_BASE_URL: graph.baseUrl,
      FACEBOOK_GRAPH_VERSION: 'v23.0',
    });
  });
  afterAll(async () => {
    await platform.close();
    await graph.close();
  });
  beforeEach(async () => {
    await resetDatabase(platform.dataSource);
    graph.reset();
  });
  afterEach(() => {
    sockets.splice(0).forEach((socket) => socket.disconnect());
  });

  const db = () => platform.dataSource;

  function messengerWrites(psid: string, mid: string, text: string) {
    const raw = JSON.stringify({
      object: 'page',
      entry: [{ id: PAGE, time: Date.now(), messaging: [{ sender: { id: psid }, recipient: { id: PAGE }, timestamp: Date.now(), message: { mid, text } }] }],
    });
    return fetch(`${platform.url}/webhooks/facebook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaWebhookSignature(raw, APP_SECRET) },
      body: raw,
    });
  }

  const sentTexts = () => graph.messageSends().map((request) => request.body.message?.text ?? '');

  async function conversationLanguage(): Promise<string> {
    const rows: { language: string }[] = await db().query(`SELECT language FROM conversations`);
    expect(rows).toHaveLength(1);
    return rows[0].language;
  }

  it('answers a Messenger citizen writing in German in German: acknowledgement, topic menu and queue position', async () => {
    expect((await messengerWrites('psid-de', 'mid.de.1', 'Guten Tag, mein Fahrrad wurde gestern Abend am Bahnhof gestohlen')).status).toBe(200);
    await graph.waitForMessageSends(3);
    expect(await conversationLanguage()).toBe('de');
    const texts = sentTexts();
    expect(texts).toContain(platform.config.routing.acknowledgementTexts.de);
    expect(texts.some((text) => text.startsWith('Damit wir Sie richtig weiterleiten') && text.includes('0. Es ist ein Notfall'))).toBe(true);
    expect(texts.some((text) => text.includes('Eine Straftat melden'))).toBe(true);
    expect(texts.some((text) => text.startsWith('Sie sind an Position 1 in der Warteschlange'))).toBe(true);
    expect(texts.some((text) => /Bonjour|Pour mieux vous orienter|Vous êtes en position/.test(text))).toBe(false);
  });

  it('follows a Messenger citizen whose first word said too little: the next message in Spanish moves the conversation to Spanish', async () => {
    expect((await messengerWrites('psid-es', 'mid.es.1', 'Hola')).status).toBe(200);
    await graph.waitForMessageSends(2);
    expect(await conversationLanguage()).toBe('fr');
    expect((await messengerWrites('psid-es', 'mid.es.2', 'Quiero denunciar una estafa por internet')).status).toBe(200);
    await waitUntil(async () => (await conversationLanguage()) === 'es');
    // The emergency choice of the menu now: the advice comes in Spanish.
    expect((await messengerWrites('psid-es', 'mid.es.3', '0')).status).toBe(200);
    await waitUntil(async () => sentTexts().some((text) => text.includes('Un gendarme atiende su conversación con prioridad')));
  });

  it('answers a web chat citizen in the widget’s language, and follows a switch of language', async () => {
    const citizen = await connectCitizen(platform.url);
    sockets.push(citizen.socket);
    await citizen.log.waitFor('session');
    const sent = (await citizen.socket.emitWithAck('message:send', {
      clientMessageId: newClientMessageId(),
      text: 'Buongiorno',
      language: 'it',
    })) as Ack<{ id: string }>;
    expect(sent.ok).toBe(true);
    const acknowledgement = await citizen.log.waitFor<CitizenMessageView>('message', (message) => message.author === 'system');
    expect(acknowledgement.text).toBe(platform.config.routing.acknowledgementTexts.it);
    await citizen.log.waitFor<CitizenMessageView>('message', (message) => message.text.startsWith('Per indirizzarla meglio'));
    expect(await conversationLanguage()).toBe('it');

    const switched = (await citizen.socket.emitWithAck('session:language', { language: 'es' })) as Ack<{ applied: boolean }>;
    expect(switched).toEqual({ ok: true, data: { language: 'es', applied: true } });
    expect(await conversationLanguage()).toBe('es');
    await citizen.socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text: '2', language: 'es' });
    await citizen.log.waitFor<CitizenMessageView>('message', (message) => message.text.startsWith('Gracias. Su solicitud'));

    const refused = (await citizen.socket.emitWithAck('session:language', { language: 'pt' })) as Ack<unknown>;
    expect(refused).toMatchObject({ ok: false, status: 400 });
    expect(await conversationLanguage()).toBe('es');
  });

  it('gives an Italian conversation to the gendarme who speaks Italian, though another has waited longer', async () => {
    const french = await createAgent(db(), { languages: ['fr'] });
    const italian = await createAgent(db(), { languages: ['fr', 'it'] });
    const desks = [];
    for (const agent of [french, italian]) {
      const desk = await connectDesk(platform.url, await login(platform.url, agent.login, TEST_PASSWORD));
      sockets.push(desk.socket);
      expect(((await desk.socket.emitWithAck('presence:set', { presence: 'available' })) as Ack<unknown>).ok).toBe(true);
      desks.push(desk);
    }
    await db().query(`UPDATE agents SET last_assigned_at = now() - interval '1 hour' WHERE id = $1`, [french.id]);
    await db().query(`UPDATE agents SET last_assigned_at = now() WHERE id = $1`, [italian.id]);
    const citizen = await connectCitizen(platform.url);
    sockets.push(citizen.socket);
    await citizen.log.waitFor('session');
    await citizen.socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text: 'Ciao', language: 'it' });
    const assigned = await desks[1].log.waitFor<DeskAssignmentEvent>('conversation:assigned');
    expect(assigned.conversation.language).toBe('it');
    expect(desks[0].log.all('conversation:assigned')).toHaveLength(0);
  });
});

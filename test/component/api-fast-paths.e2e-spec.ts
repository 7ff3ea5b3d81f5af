import type { CitizenMessageView, DeskMessageView } from '@brigade/realtime';
import { connectCitizen, connectDesk, login, newClientMessageId } from '../support/clients';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

/**
 * The common exchanges need no worker: a citizen writing to the gendarme who holds the conversation, and that
 * gendarme answering a web chat citizen, are stored and pushed by the API process alone. Anything triage must see
 * still waits for the worker.
 */
describe('API fast paths (API process alone, real PostgreSQL and Redis)', () => {
  let api: TestPlatform;

  beforeAll(async () => {
    api = await startPlatform({ QUEUE_PREFIX: `test-fast-${Date.now()}` }, 'api');
    await resetDatabase(api.dataSource);
  });
  afterAll(async () => {
    await api?.close();
  });

  async function assignedConversation(visitorId: string, agentId: string): Promise<string> {
    const [contact] = await api.dataSource.query(`INSERT INTO contacts (pseudonym) VALUES ('Héron Calme 7') RETURNING id`);
    const [identity] = await api.dataSource.query(
      `INSERT INTO channel_identities (contact_id, channel, channel_account, external_id) VALUES ($1, 'webchat', '', $2) RETURNING id`,
      [contact.id, visitorId],
    );
    const [conversation] = await api.dataSource.query(
      `INSERT INTO conversations (contact_id, identity_id, channel, status, assignee_id, assigned_at)
       VALUES ($1, $2, 'webchat', 'assigned', $3, now()) RETURNING id`,
      [contact.id, identity.id, agentId],
    );
    return conversation.id;
  }

  it('shows a citizen message to the gendarme holding the conversation and delivers the answer, with no worker running', async () => {
    const agent = await createAgent(api.dataSource, { presence: 'available' });
    const desk = await connectDesk(api.url, await login(api.url, agent.login, TEST_PASSWORD));
    const citizen = await connectCitizen(api.url);
    const { visitorId } = await citizen.log.waitFor<{ visitorId: string }>('session');
    const conversationId = await assignedConversation(visitorId, agent.id);

    const question = { clientMessageId: newClientMessageId(), text: 'Où en est ma plainte ?' };
    const sent = (await citizen.socket.emitWithAck('message:send', question)) as { ok: boolean };
    expect(sent.ok).toBe(true);
    const shown = await desk.log.waitFor<DeskMessageView>('message:new', (m) => m.text === 'Où en est ma plainte ?');
    expect(shown).toMatchObject({ conversationId, direction: 'inbound', author: 'citizen' });
    expect(await api.dataSource.query(`SELECT count(*)::int AS n FROM inbox_entries WHERE processed_at IS NULL`)).toEqual([{ n: 0 }]);

    // Sent again (no acknowledgement seen by the widget): stored once, pushed again so that the desk cannot miss it.
    expect(((await citizen.socket.emitWithAck('message:send', question)) as { ok: boolean }).ok).toBe(true);
    await waitUntil(() => desk.log.all<DeskMessageView>('message:new').filter((m) => m.id === shown.id).length === 2);
    expect(await api.dataSource.query(`SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1`, [conversationId])).toEqual([{ n: 1 }]);

    const answered = (await desk.socket.emitWithAck('message:send', {
      conversationId,
      clientMessageId: newClientMessageId(),
      text: 'Votre plainte est en cours de traitement.',
    })) as { ok: boolean; data: DeskMessageView };
    expect(answered.ok).toBe(true);
    expect(answered.data.deliveryStatus).toBe('sent');
    const received = await citizen.log.waitFor<CitizenMessageView>('message', (m) => m.text === 'Votre plainte est en cours de traitement.');
    expect(received).toMatchObject({ id: answered.data.id, conversationId, author: 'agent' });
    const [reply] = await api.dataSource.query(`SELECT delivery_status, sent_at FROM messages WHERE id = $1`, [answered.data.id]);
    expect(reply.delivery_status).toBe('sent');
    expect(reply.sent_at).not.toBeNull();

    desk.socket.disconnect();
    citizen.socket.disconnect();
  });

  it('leaves danger wording to the worker and triage, even in a conversation a gendarme holds', async () => {
    const agent = await createAgent(api.dataSource, { presence: 'available' });
    const citizen = await connectCitizen(api.url);
    const { visitorId } = await citizen.log.waitFor<{ visitorId: string }>('session');
    const conversationId = await assignedConversation(visitorId, agent.id);

    const sent = (await citizen.socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text: 'Il me frappe, aidez-moi' })) as {
      ok: boolean;
    };
    expect(sent.ok).toBe(true);
    expect(await api.dataSource.query(`SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1`, [conversationId])).toEqual([{ n: 0 }]);
    const pending = await api.dataSource.query(`SELECT payload->>'text' AS text FROM inbox_entries WHERE processed_at IS NULL`);
    expect(pending).toEqual([{ text: 'Il me frappe, aidez-moi' }]);

    citizen.socket.disconnect();
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

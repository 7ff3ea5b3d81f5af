import { Socket, io } from 'socket.io-client';
import type { CitizenMessageView, CitizenStatus, DeskAssignmentEvent } from '@brigade/realtime';
import { EventLog, connectCitizen, connectDesk, login, newClientMessageId } from '../support/clients';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

type Ack<T> = { ok: true; data: T } | { ok: false; error: string; status: number };

/** The contract's desk 'typing' takes no acknowledgement; the test asks for one to know the outcome. */
function typingWithAck(socket: unknown, request: { conversationId: string; typing: boolean }): Promise<Ack<unknown>> {
  return (socket as Socket).emitWithAck('typing', request) as Promise<Ack<unknown>>;
}

/** The socket events the citizen widget relies on besides sending messages: quick exit, typing, rating, resume. */
describe('web chat widget events', () => {
  let platform: TestPlatform;
  const sockets: { disconnect(): unknown }[] = [];

  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(async () => {
    await platform?.close();
  });
  beforeEach(async () => {
    await resetDatabase(platform.dataSource);
  });
  afterEach(() => {
    sockets.splice(0).forEach((socket) => socket.disconnect());
  });

  async function citizen(token?: string) {
    const connection = await connectCitizen(platform.url, token);
    sockets.push(connection.socket);
    return connection;
  }

  async function availableAgent() {
    const agent = await createAgent(platform.dataSource);
    const token = await login(platform.url, agent.login, TEST_PASSWORD);
    const desk = await connectDesk(platform.url, token);
    sockets.push(desk.socket);
    expect(((await desk.socket.emitWithAck('presence:set', { presence: 'available' })) as Ack<unknown>).ok).toBe(true);
    return { agent, token, ...desk };
  }

  function postAs(token: string, path: string, body: unknown = {}) {
    return fetch(`${platform.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
  }

  /** A citizen whose first message has been assigned to an on-duty agent. */
  async function assignedConversation(text = 'Bonjour, j’ai besoin d’aide') {
    const gendarme = await availableAgent();
    const resident = await citizen();
    const session = await resident.log.waitFor<{ token: string; visitorId: string }>('session');
    const clientMessageId = newClientMessageId();
    const sent = (await resident.socket.emitWithAck('message:send', { clientMessageId, text })) as Ack<{ id: string }>;
    expect(sent.ok).toBe(true);
    const assigned = await gendarme.log.waitFor<DeskAssignmentEvent>('conversation:assigned');
    await resident.log.waitFor<CitizenStatus>('status', (status) => status.state === 'assigned');
    return { gendarme, resident, session, clientMessageId, conversationId: assigned.conversation.id };
  }

  it('quick exit flags the conversation, tells the assigned agent live, and the token no longer opens it', async () => {
    const { gendarme, resident, session, conversationId } = await assignedConversation('Je dois partir vite');

    const left = (await resident.socket.emitWithAck('session:leave', {})) as Ack<{ left: true }>;
    expect(left).toEqual({ ok: true, data: { left: true } });

    const notice = await gendarme.log.waitFor<{ conversationId: string; leftAt: string }>('conversation:citizen-left');
    expect(notice.conversationId).toBe(conversationId);
    const [row] = await platform.dataSource.query(`SELECT citizen_left_at, status FROM conversations WHERE id = $1`, [
      conversationId,
    ]);
    expect(row.citizen_left_at).toBeInstanceOf(Date);
    expect(new Date(notice.leftAt).getTime()).toBe(row.citizen_left_at.getTime());
    // The messages stay on the server, as the retention policy says; only the device forgets.
    expect(
      await platform.dataSource.query(`SELECT text FROM messages WHERE direction = 'inbound'`),
    ).toEqual([{ text: 'Je dois partir vite' }]);
    expect(
      await platform.dataSource.query(`SELECT action FROM audit_events WHERE subject_id = $1 AND action = $2`, [
        conversationId,
        'conversation.citizen-left',
      ]),
    ).toHaveLength(1);

    // Whoever replays the old token sees nothing of the conversation.
    const replay = await citizen(session.token);
    const history = await replay.log.waitFor<{ messages: CitizenMessageView[] }>('history');
    expect(history.messages).toEqual([]);
    expect(replay.log.all('status')).toEqual([]);

    // Leaving twice is harmless and does not alert the agent again.
    expect(((await replay.socket.emitWithAck('session:leave', {})) as Ack<unknown>).ok).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(gendarme.log.all('conversation:citizen-left')).toHaveLength(1);
  });

  it('quick exit by beacon (the page is being replaced) flags the conversation and tells the agent once', async () => {
    const { gendarme, resident, session, conversationId } = await assignedConversation('Je pars');

    const beacon = (token: string) =>
      fetch(`${platform.url}/api/webchat/exit`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `token=${encodeURIComponent(token)}`,
      });
    expect((await beacon('not-a-token')).status).toBe(204);
    expect((await platform.dataSource.query(`SELECT citizen_left_at FROM conversations`))[0].citizen_left_at).toBeNull();

    expect((await beacon(session.token)).status).toBe(204);
    const notice = await gendarme.log.waitFor<{ conversationId: string }>('conversation:citizen-left');
    expect(notice.conversationId).toBe(conversationId);
    // The socket event the widget sends at the same moment does not alert the agent a second time.
    expect(((await resident.socket.emitWithAck('session:leave', {})) as Ack<unknown>).ok).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(gendarme.log.all('conversation:citizen-left')).toHaveLength(1);
  });

  it('tells a citizen who comes back while still waiting their place in the queue at once', async () => {
    const resident = await citizen();
    const session = await resident.log.waitFor<{ token: string }>('session');
    await resident.socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text: 'Personne ?' });
    await waitUntil(async () => (await platform.dataSource.query(`SELECT id FROM conversations`)).length === 1);
    resident.socket.disconnect();

    const back = await citizen(session.token);
    const status = await back.log.waitFor<CitizenStatus>('status');
    expect(status).toMatchObject({ state: 'waiting', queuePosition: 1 });
  });

  it('relays typing both ways: citizen to the assigned agent, agent to the citizen', async () => {
    const { gendarme, resident, conversationId } = await assignedConversation();

    resident.socket.emit('typing', { typing: true });
    const started = await gendarme.log.waitFor<{ conversationId: string; typing: boolean }>('conversation:typing');
    expect(started).toEqual({ conversationId, typing: true });
    resident.socket.emit('typing', { typing: false });
    await gendarme.log.waitFor<{ typing: boolean }>('conversation:typing', (event) => event.typing === false);

    const forwarded = await typingWithAck(gendarme.socket, { conversationId, typing: true });
    expect(forwarded).toEqual({ ok: true, data: { forwarded: true } });
    expect(await resident.log.waitFor<{ typing: boolean }>('typing')).toEqual({ typing: true });
  });

  it('does not relay an agent’s typing to a conversation that is not theirs', async () => {
    const { resident, conversationId } = await assignedConversation();
    const other = await availableAgent();

    const ack = await typingWithAck(other.socket, { conversationId, typing: true });
    expect(ack).toEqual({ ok: true, data: { forwarded: false } });
    const invalid = await typingWithAck(other.socket, { conversationId: 'nope', typing: true });
    expect(invalid).toMatchObject({ ok: false, status: 400 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(resident.log.all('typing')).toEqual([]);
  });

  it('stores the citizen’s rating of their conversation and refuses a rating out of 1-5', async () => {
    const { resident, conversationId } = await assignedConversation();

    expect(await resident.socket.emitWithAck('session:rate', { rating: 6 })).toMatchObject({ ok: false, status: 400 });
    expect(await resident.socket.emitWithAck('session:rate', { rating: 4 })).toEqual({ ok: true, data: { rated: true } });
    const [row] = await platform.dataSource.query(
      `SELECT citizen_rating, citizen_rated_at FROM conversations WHERE id = $1`,
      [conversationId],
    );
    expect(row.citizen_rating).toBe(4);
    expect(row.citizen_rated_at).toBeInstanceOf(Date);
  });

  it('refuses a rating before the citizen has any conversation', async () => {
    const newcomer = await citizen();
    await newcomer.log.waitFor('session');
    expect(await newcomer.socket.emitWithAck('session:rate', { rating: 5 })).toMatchObject({ ok: false, status: 404 });
  });

  it('marks the citizen’s messages read when the assignee opens the conversation: stored, shown live, kept on resume', async () => {
    const { gendarme, resident, session, clientMessageId, conversationId } = await assignedConversation('Quelqu’un me lit ?');
    const [stored] = await platform.dataSource.query(
      `SELECT id, delivery_status FROM messages WHERE conversation_id = $1 AND direction = 'inbound'`,
      [conversationId],
    );
    expect(stored.delivery_status).toBe('received');

    // Someone other than the assignee looking in does not count.
    const colleague = await availableAgent();
    expect((await postAs(colleague.token, `/api/conversations/${conversationId}/read`)).status).toBe(403);
    const supervisor = await createAgent(platform.dataSource, { role: 'supervisor', onShift: false });
    const supervisorToken = await login(platform.url, supervisor.login, TEST_PASSWORD);
    expect((await postAs(supervisorToken, `/api/conversations/${conversationId}/read`)).status).toBe(403);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(resident.log.all('message:status')).toEqual([]);

    const opened = await postAs(gendarme.token, `/api/conversations/${conversationId}/read`);
    expect(opened.status).toBe(200);
    expect(await opened.json()).toEqual({ conversationId, channel: 'webchat', read: 1 });
    const read = await resident.log.waitFor<{ id: string; status: string; clientMessageId?: string }>('message:status');
    expect(read).toEqual({ id: stored.id, status: 'read', clientMessageId });
    const [after] = await platform.dataSource.query(`SELECT delivery_status FROM messages WHERE id = $1`, [stored.id]);
    expect(after.delivery_status).toBe('read');

    // Opening it again with nothing new tells the citizen nothing more.
    expect(await (await postAs(gendarme.token, `/api/conversations/${conversationId}/read`)).json()).toMatchObject({ read: 0 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(resident.log.all('message:status')).toHaveLength(1);

    // A widget that comes back gets the read state with the history (the database is the truth).
    const resumed = await citizen(session.token);
    const history = await resumed.log.waitFor<{ messages: CitizenMessageView[] }>('history');
    expect(history.messages.find((message) => message.id === stored.id)).toMatchObject({ read: true, clientMessageId });
  });

  it('tells the citizen live when the gendarme closes the conversation, and writing again reopens it', async () => {
    const { gendarme, resident, session, conversationId } = await assignedConversation('Merci pour tout');

    const closed = await postAs(gendarme.token, `/api/conversations/${conversationId}/close`, { outcome: 'resolved' });
    expect(closed.status).toBe(201);
    expect(await resident.log.waitFor<CitizenStatus>('status', (status) => status.state === 'closed')).toEqual({
      state: 'closed',
      closedBy: 'agent',
    });
    // Closing twice does not tell the citizen twice.
    await postAs(gendarme.token, `/api/conversations/${conversationId}/close`, { outcome: 'resolved' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(resident.log.all<CitizenStatus>('status').filter((status) => status.state === 'closed')).toHaveLength(1);

    // A widget coming back finds it closed by the gendarme.
    const resumed = await citizen(session.token);
    expect(await resumed.log.waitFor<CitizenStatus>('status')).toEqual({ state: 'closed', closedBy: 'agent' });

    // The citizen writes again: the same conversation reopens and comes back to the gendarme.
    const again = (await resident.socket.emitWithAck('message:send', {
      clientMessageId: newClientMessageId(),
      text: 'Encore une question',
    })) as Ack<{ id: string }>;
    expect(again.ok).toBe(true);
    const reopened = await gendarme.log.waitFor<DeskAssignmentEvent>('conversation:assigned', (event) => event.reason === 'reopened');
    expect(reopened.conversation.id).toBe(conversationId);
    await resident.log.waitFor<CitizenStatus>('status', (status) => status.state === 'assigned');
  });

  it('does not tell a citizen who used the quick exit that the conversation was closed', async () => {
    const { gendarme, resident, conversationId } = await assignedConversation('Je pars');
    expect(((await resident.socket.emitWithAck('session:leave', {})) as Ack<unknown>).ok).toBe(true);
    await gendarme.log.waitFor('conversation:citizen-left');
    expect((await postAs(gendarme.token, `/api/conversations/${conversationId}/close`, { outcome: 'resolved' })).status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(resident.log.all<CitizenStatus>('status').filter((status) => status.state === 'closed')).toEqual([]);
  });

  it('resumes with the history (own messages carry their client id) and the current status with the agent’s name', async () => {
    const { gendarme, session, clientMessageId } = await assignedConversation('Mon vélo a été volé');

    const resumed = await citizen(session.token);
    const history = await resumed.log.waitFor<{ messages: CitizenMessageView[] }>('history');
    const own = history.messages.filter((message) => message.author === 'citizen');
    expect(own).toHaveLength(1);
    expect(own[0]).toMatchObject({ text: 'Mon vélo a été volé', clientMessageId });
    const status = await resumed.log.waitFor<CitizenStatus>('status');
    expect(status).toEqual({ state: 'assigned', agentName: gendarme.agent.displayName });
  });
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('web chat origin allow-list', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startPlatform({ WEBCHAT_ALLOWED_ORIGINS: 'https://www.example.gouv.fr' });
  });
  afterAll(async () => {
    await platform?.close();
  });

  function connectFrom(origin: string): Promise<{ connected: boolean; error?: string; log: EventLog }> {
    const socket = io(`${platform.url}/webchat`, {
      transports: ['websocket'],
      extraHeaders: { origin },
      reconnection: false,
      forceNew: true,
    });
    const log = new EventLog(socket);
    return new Promise((resolve) => {
      socket.once('connect', () => {
        // Wait for the session so that the connection is really in service before closing it.
        void log.waitFor('session').then(() => {
          socket.disconnect();
          resolve({ connected: true, log });
        });
      });
      socket.once('connect_error', (error) => {
        socket.disconnect();
        resolve({ connected: false, error: error.message, log });
      });
    });
  }

  it('refuses a citizen socket from a website that is not allowed to embed the widget', async () => {
    const refused = await connectFrom('https://evil.example');
    expect(refused).toMatchObject({ connected: false, error: 'origin not allowed' });
    expect(refused.log.all('session')).toEqual([]);
  });

  it('refuses the quick exit beacon from a website that is not allowed', async () => {
    const response = await fetch(`${platform.url}/api/webchat/exit`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      body: 'token=whatever',
    });
    expect(response.status).toBe(403);
  });

  it('accepts the allowed website and the platform’s own pages', async () => {
    expect((await connectFrom('https://www.example.gouv.fr')).connected).toBe(true);
    expect((await connectFrom(platform.url)).connected).toBe(true);
  });
});

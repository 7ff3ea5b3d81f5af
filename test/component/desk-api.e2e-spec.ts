import type {
  CannedReplyView,
  DeskContactHistoryView,
  CitizenMessageView,
  DeskAssignmentEvent,
  DeskConversationView,
  DeskMessageView,
} from '@brigade/realtime';
import {
  connectCitizen,
  connectDesk,
  login,
  newClientMessageId,
} from '../support/clients';
import { Conversation, ConversationsService, Message } from '@brigade/conversations';
import { AgentSpec, TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

type Ack<T> = { ok: true; data: T } | { ok: false; error: string; status: number };

/** Every REST route and socket event the agent desk web app uses, with the refusals that protect them. */
describe('agent desk API', () => {
  let platform: TestPlatform;
  const sockets: { disconnect(): unknown }[] = [];

  beforeAll(async () => {
    // Every test signs several people in from the same address: the per-address sign-in limit is raised.
    platform = await startPlatform({ AUTH_LOGIN_ATTEMPTS_PER_MINUTE: '1000' });
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

  function api(token: string | undefined, method: string, path: string, body?: unknown) {
    return fetch(`${platform.url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  async function signedIn(spec: AgentSpec = {}) {
    const agent = await createAgent(platform.dataSource, spec);
    const token = await login(platform.url, agent.login, TEST_PASSWORD);
    return { agent, token };
  }

  async function deskOf(token: string) {
    const desk = await connectDesk(platform.url, token);
    sockets.push(desk.socket);
    return desk;
  }

  async function availableAgent(spec: AgentSpec = {}) {
    const { agent, token } = await signedIn(spec);
    const desk = await deskOf(token);
    const ack = (await desk.socket.emitWithAck('presence:set', { presence: 'available' })) as Ack<unknown>;
    expect(ack.ok).toBe(true);
    return { agent, token, ...desk };
  }

  async function citizenWrites(text: string) {
    const connection = await connectCitizen(platform.url);
    sockets.push(connection.socket);
    await connection.log.waitFor('session');
    const ack = (await connection.socket.emitWithAck('message:send', {
      clientMessageId: newClientMessageId(),
      text,
    })) as Ack<{ id: string }>;
    expect(ack.ok).toBe(true);
    return connection;
  }

  async function assignedConversation(text = 'Bonjour, j’ai perdu mes papiers') {
    const gendarme = await availableAgent();
    const citizen = await citizenWrites(text);
    const assigned = await gendarme.log.waitFor<DeskAssignmentEvent>('conversation:assigned');
    return { gendarme, citizen, conversationId: assigned.conversation.id, assigned };
  }

  it('signs in, shows the agent and their duty state, and switches presence over REST and the socket', async () => {
    const { agent, token } = await signedIn({ onShift: true });
    const badLogin = await api(undefined, 'POST', '/api/auth/login', { login: agent.login, password: 'wrong password' });
    expect(badLogin.status).toBe(401);

    const me = await api(token, 'GET', '/api/me');
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ id: agent.id, presence: 'offline', onShift: true, onDuty: false });

    const away = await api(token, 'PUT', '/api/me/presence', { presence: 'away' });
    expect(await away.json()).toMatchObject({ presence: 'away', onDuty: false });
    expect((await api(token, 'PUT', '/api/me/presence', { presence: 'asleep' })).status).toBe(400);

    const desk = await deskOf(token);
    const ack = (await desk.socket.emitWithAck('presence:set', { presence: 'available' })) as Ack<{ presence: string }>;
    expect(ack).toEqual({ ok: true, data: { presence: 'available' } });
    await desk.log.waitFor('presence:changed', (event: { presence: string }) => event.presence === 'available');
    expect(await (await api(token, 'GET', '/api/me')).json()).toMatchObject({ presence: 'available', onDuty: true });
    const refused = (await desk.socket.emitWithAck('presence:set', { presence: 'asleep' as never })) as Ack<unknown>;
    expect(refused).toMatchObject({ ok: false, status: 400 });
  });

  it('pushes an assignment live, lists it, delivers the citizen’s next message and the reply with its status', async () => {
    const { gendarme, citizen, conversationId, assigned } = await assignedConversation();
    expect(assigned.conversation).toMatchObject({ channel: 'webchat', status: 'assigned', tags: [], priority: 2 });
    expect(assigned.conversation.lastCitizenMessageAt).not.toBeNull();

    const list = await api(gendarme.token, 'GET', '/api/desk/conversations');
    const mine = (await list.json()) as DeskConversationView[];
    expect(mine.map((c) => c.id)).toEqual([conversationId]);
    expect(mine[0].lastMessage).not.toBeNull();
    expect(mine[0].lastCitizenMessageAt).toBe(assigned.conversation.lastCitizenMessageAt);

    await citizen.socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text: 'Vous êtes là ?' });
    const next = await gendarme.log.waitFor<DeskMessageView>('message:new', (m) => m.text === 'Vous êtes là ?');
    expect(next).toMatchObject({ conversationId, direction: 'inbound', author: 'citizen' });

    const sent = (await gendarme.socket.emitWithAck('message:send', {
      conversationId,
      clientMessageId: newClientMessageId(),
      text: 'Oui, je vous écoute.',
    })) as Ack<DeskMessageView>;
    expect(sent.ok).toBe(true);
    const received = await citizen.log.waitFor<CitizenMessageView>('message', (m) => m.text === 'Oui, je vous écoute.');
    citizen.socket.emit('message:ack', { ids: [received.id] });
    await gendarme.log.waitFor('message:status', (e: { status: string; conversationId: string }) =>
      e.status === 'delivered' && e.conversationId === conversationId,
    );

    const history = (await (await api(gendarme.token, 'GET', `/api/conversations/${conversationId}`)).json()) as DeskAssignmentEvent;
    // System messages (the automatic acknowledgement) are left aside: this test is about the people.
    const people = history.messages.filter((m) => m.author !== 'system');
    expect(people.map((m) => [m.direction, m.text, m.deliveryStatus])).toEqual([
      ['inbound', 'Bonjour, j’ai perdu mes papiers', 'received'],
      ['inbound', 'Vous êtes là ?', 'received'],
      ['outbound', 'Oui, je vous écoute.', 'delivered'],
    ]);
  });

  it('relays typing both ways between the web chat citizen and the assigned agent', async () => {
    const { gendarme, citizen, conversationId } = await assignedConversation();
    citizen.socket.emit('typing', { typing: true });
    const event = await gendarme.log.waitFor<{ conversationId: string; typing: boolean }>('conversation:typing');
    expect(event).toEqual({ conversationId, typing: true });
    gendarme.socket.emit('typing', { conversationId, typing: true });
    await citizen.log.waitFor('typing', (e: { typing: boolean }) => e.typing);
  });

  it('shows the contact’s earlier conversations across channels, hides sensitive ones, audits a supervisor’s read', async () => {
    const { gendarme, conversationId } = await assignedConversation();
    const current = await platform.dataSource.getRepository(Conversation).findOneByOrFail({ id: conversationId });
    const earlier = async (channel: string, text: string, sensitive: boolean, daysAgo: number) => {
      const at = new Date(Date.now() - daysAgo * 86_400_000);
      const { identifiers } = await platform.dataSource.getRepository(Conversation).insert({
        contactId: current.contactId,
        identityId: current.identityId,
        channel,
        status: 'closed',
        sensitive,
        createdAt: at,
        waitingSince: at,
        closedAt: at,
        closeOutcome: 'informed',
      });
      await platform.dataSource.getRepository(Message).insert({
        conversationId: identifiers[0].id as string,
        channel,
        direction: 'inbound',
        authorType: 'citizen',
        text,
        deliveryStatus: 'received',
        createdAt: at,
      });
    };
    await earlier('facebook', 'Question sur ma plainte', false, 3);
    await earlier('webchat', 'Message d’une victime', true, 2);

    const response = await api(gendarme.token, 'GET', `/api/conversations/${conversationId}/contact-history`);
    expect(response.status).toBe(200);
    const history = (await response.json()) as DeskContactHistoryView;
    expect(history.hiddenSensitive).toBe(1);
    expect(history.conversations).toHaveLength(1);
    expect(history.conversations[0]).toMatchObject({ closeOutcome: 'informed', conversation: { channel: 'facebook' } });
    expect(history.conversations[0].messages.map((m) => m.text)).toEqual(['Question sur ma plainte']);

    const stranger = await signedIn();
    expect((await api(stranger.token, 'GET', `/api/conversations/${conversationId}/contact-history`)).status).toBe(403);
    const supervisor = await signedIn({ role: 'supervisor' });
    expect((await api(supervisor.token, 'GET', `/api/conversations/${conversationId}/contact-history`)).status).toBe(200);
    const audit = await platform.dataSource.query(`SELECT actor_id FROM audit_events WHERE action = 'contact.history.read'`);
    expect(audit).toEqual([{ actor_id: supervisor.agent.id }]);
  });

  it('serves the seeded French canned replies to any signed-in agent, never to strangers', async () => {
    const { token } = await signedIn();
    expect((await api(undefined, 'GET', '/api/canned-replies')).status).toBe(401);
    const response = await api(token, 'GET', '/api/canned-replies');
    expect(response.status).toBe(200);
    const replies = (await response.json()) as CannedReplyView[];
    expect(replies.length).toBeGreaterThanOrEqual(5);
    expect(replies.find((reply) => reply.shortcut === 'urgence')?.text).toContain('17');
    expect(replies.every((reply) => reply.language === 'fr')).toBe(true);
    expect(await (await api(token, 'GET', '/api/canned-replies?language=en')).json()).toEqual([]);
    expect((await api(token, 'GET', '/api/canned-replies?language=<script>')).status).toBe(400);
  });

  it('keeps private notes with the conversation, once per client id, and never sends them to the citizen', async () => {
    const { gendarme, citizen, conversationId } = await assignedConversation();
    const clientMessageId = newClientMessageId();
    const note = await api(gendarme.token, 'POST', `/api/conversations/${conversationId}/notes`, {
      clientMessageId,
      text: 'Victime probable, rester prudent',
    });
    expect(note.status).toBe(201);
    const stored = (await note.json()) as DeskMessageView;
    expect(stored).toMatchObject({ direction: 'internal', author: 'agent', authorAgentId: gendarme.agent.id });
    const again = await api(gendarme.token, 'POST', `/api/conversations/${conversationId}/notes`, {
      clientMessageId,
      text: 'Victime probable, rester prudent',
    });
    expect(((await again.json()) as DeskMessageView).id).toBe(stored.id);
    expect((await api(gendarme.token, 'POST', `/api/conversations/${conversationId}/notes`, { clientMessageId: newClientMessageId(), text: '   ' })).status).toBe(400);

    const stranger = await signedIn();
    expect(
      (await api(stranger.token, 'POST', `/api/conversations/${conversationId}/notes`, {
        clientMessageId: newClientMessageId(),
        text: 'intrusion',
      })).status,
    ).toBe(403);

    // A supervisor's note reaches the assignee's open desk.
    const supervisor = await signedIn({ role: 'supervisor' });
    const supervisorNote = await api(supervisor.token, 'POST', `/api/conversations/${conversationId}/notes`, {
      clientMessageId: newClientMessageId(),
      text: 'Je surveille cet échange',
    });
    expect(supervisorNote.status).toBe(201);
    await gendarme.log.waitFor<DeskMessageView>('message:new', (m) => m.text === 'Je surveille cet échange' && m.direction === 'internal');

    const rows = await platform.dataSource.query(
      `SELECT direction, author_agent_id FROM messages WHERE direction = 'internal' ORDER BY created_at`,
    );
    expect(rows).toEqual([
      { direction: 'internal', author_agent_id: gendarme.agent.id },
      { direction: 'internal', author_agent_id: supervisor.agent.id },
    ]);
    const audit = await platform.dataSource.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'conversation.note'`);
    expect(audit).toEqual([{ n: 2 }]);
    // The citizen's history (what a reconnecting widget replays) holds no note, and no note was pushed to it.
    const reconnect = await connectCitizen(platform.url, (await citizen.log.waitFor<{ token: string }>('session')).token);
    sockets.push(reconnect.socket);
    const replay = await reconnect.log.waitFor<{ messages: CitizenMessageView[] }>('history');
    expect(replay.messages.filter((m) => m.author !== 'system').map((m) => m.text)).toEqual([
      'Bonjour, j’ai perdu mes papiers',
    ]);
    const pushed = citizen.log.all<CitizenMessageView>('message').map((m) => m.text);
    expect(pushed.filter((text) => text.includes('Victime') || text.includes('surveille'))).toEqual([]);
  });

  it('sets normalised tags, refuses invalid ones and strangers, and tells the assignee when a supervisor tags', async () => {
    const { gendarme, conversationId } = await assignedConversation();
    const tagged = await api(gendarme.token, 'PUT', `/api/conversations/${conversationId}/tags`, {
      tags: ['Perte', ' papiers ', 'perte'],
    });
    expect(tagged.status).toBe(200);
    expect(((await tagged.json()) as DeskConversationView).tags).toEqual(['perte', 'papiers']);
    expect(await platform.dataSource.query(`SELECT tags FROM conversations`)).toEqual([{ tags: ['perte', 'papiers'] }]);

    expect((await api(gendarme.token, 'PUT', `/api/conversations/${conversationId}/tags`, { tags: ['<b>'] })).status).toBe(400);
    expect((await api(gendarme.token, 'PUT', `/api/conversations/${conversationId}/tags`, { tags: 'perte' })).status).toBe(400);
    const stranger = await signedIn();
    expect((await api(stranger.token, 'PUT', `/api/conversations/${conversationId}/tags`, { tags: ['x'] })).status).toBe(403);

    const supervisor = await signedIn({ role: 'supervisor' });
    expect((await api(supervisor.token, 'PUT', `/api/conversations/${conversationId}/tags`, { tags: ['suivi'] })).status).toBe(200);
    const update = await gendarme.log.waitFor<DeskConversationView>('conversation:updated', (c) => c.tags.includes('suivi'));
    expect(update.id).toBe(conversationId);
  });

  it('escalates an emergency: top priority, a note saying who and why, an audit entry; strangers are refused', async () => {
    const { gendarme, conversationId } = await assignedConversation('Mon voisin fait du bruit la nuit');
    const stranger = await signedIn();
    expect((await api(stranger.token, 'POST', `/api/conversations/${conversationId}/escalate`, { reason: 'x' })).status).toBe(403);
    expect((await api(gendarme.token, 'POST', `/api/conversations/${conversationId}/escalate`, {})).status).toBe(400);

    const escalated = await api(gendarme.token, 'POST', `/api/conversations/${conversationId}/escalate`, {
      reason: 'Menace avec arme',
    });
    expect(escalated.status).toBe(200);
    expect(await escalated.json()).toMatchObject({ id: conversationId, priority: 0 });
    const notes = await platform.dataSource.query(
      `SELECT author_type, text FROM messages WHERE direction = 'internal'`,
    );
    expect(notes).toEqual([{ author_type: 'system', text: 'Urgence signalée : Menace avec arme' }]);
    const audit = await platform.dataSource.query(
      `SELECT actor_id, details FROM audit_events WHERE action = 'conversation.escalate'`,
    );
    expect(audit).toEqual([{ actor_id: gendarme.agent.id, details: { reason: 'Menace avec arme', previousPriority: 2 } }]);
  });

  it('closes with an outcome: the conversation leaves my list and cannot be escalated afterwards', async () => {
    const { gendarme, conversationId } = await assignedConversation();
    const stranger = await signedIn();
    expect((await api(stranger.token, 'POST', `/api/conversations/${conversationId}/close`, { outcome: 'x' })).status).toBe(403);
    const closed = await api(gendarme.token, 'POST', `/api/conversations/${conversationId}/close`, { outcome: 'renseigné' });
    expect(closed.status).toBe(201);
    expect(await closed.json()).toMatchObject({ status: 'closed' });
    expect(await (await api(gendarme.token, 'GET', '/api/desk/conversations')).json()).toEqual([]);
    expect((await api(gendarme.token, 'POST', `/api/conversations/${conversationId}/escalate`, { reason: 'trop tard' })).status).toBe(400);
  });

  it('opens a long conversation whole, oldest first; an assignment pushed live carries its newest 200 messages', async () => {
    const { gendarme, conversationId } = await assignedConversation('Premier message');
    await platform.dataSource.query(
      `INSERT INTO messages (conversation_id, channel, direction, author_type, text, delivery_status, created_at)
       SELECT $1, 'webchat', 'inbound', 'citizen', 'Suite ' || i, 'received', now() + i * interval '1 second'
         FROM generate_series(1, 300) i`,
      [conversationId],
    );
    const read = (await (await api(gendarme.token, 'GET', `/api/conversations/${conversationId}`)).json()) as DeskAssignmentEvent;
    const citizenTexts = read.messages.filter((m) => m.author === 'citizen').map((m) => m.text);
    expect(citizenTexts).toEqual(['Premier message', ...Array.from({ length: 300 }, (_, index) => `Suite ${index + 1}`)]);
    const pushed = await platform.app.get(ConversationsService).assignmentEvent(conversationId, 'test');
    expect(pushed.messages).toHaveLength(200);
    expect(pushed.messages.at(-1)?.text).toBe('Suite 300');
    expect(pushed.messages[0].text).toBe('Suite 101');
  });

  it('lets a supervisor read any conversation, recording the read in the access audit; an agent cannot', async () => {
    const { conversationId } = await assignedConversation();
    const stranger = await signedIn();
    expect((await api(stranger.token, 'GET', `/api/conversations/${conversationId}`)).status).toBe(403);
    const supervisor = await signedIn({ role: 'supervisor' });
    const read = await api(supervisor.token, 'GET', `/api/conversations/${conversationId}`);
    expect(read.status).toBe(200);
    const event = (await read.json()) as DeskAssignmentEvent;
    expect(event.messages.filter((m) => m.author === 'citizen').map((m) => m.text)).toEqual(['Bonjour, j’ai perdu mes papiers']);
    const audit = await platform.dataSource.query(
      `SELECT actor_id, subject_id FROM audit_events WHERE action = 'conversation.read'`,
    );
    expect(audit).toEqual([{ actor_id: supervisor.agent.id, subject_id: conversationId }]);
  });
});


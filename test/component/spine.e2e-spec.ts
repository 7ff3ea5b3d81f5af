import type { DeskAssignmentEvent, DeskMessageView, CitizenMessageView } from '@brigade/realtime';
import {
  CitizenClient,
  DeskClient,
  EventLog,
  connectCitizen,
  connectDesk,
  login,
  newClientMessageId,
} from '../support/clients';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

type Ack<T> = { ok: true; data: T } | { ok: false; error: string; status: number };

describe('web chat spine: citizen -> queue -> PostgreSQL -> routing -> desk -> reply -> citizen', () => {
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

  async function availableAgent(spec: Parameters<typeof createAgent>[1] = {}) {
    const agent = await createAgent(platform.dataSource, spec);
    const token = await login(platform.url, agent.login, TEST_PASSWORD);
    const desk = await connectDesk(platform.url, token);
    sockets.push(desk.socket);
    const ack = (await desk.socket.emitWithAck('presence:set', { presence: 'available' })) as Ack<unknown>;
    expect(ack.ok).toBe(true);
    return { agent, token, ...desk };
  }

  async function sessionOf(log: EventLog) {
    return log.waitFor<{ token: string; visitorId: string }>('session');
  }

  function send(socket: CitizenClient, text: string, clientMessageId = newClientMessageId()) {
    return socket.emitWithAck('message:send', { clientMessageId, text }) as Promise<Ack<{ id: string }>>;
  }

  function reply(socket: DeskClient, conversationId: string, text: string) {
    return socket.emitWithAck('message:send', {
      conversationId,
      clientMessageId: newClientMessageId(),
      text,
    }) as Promise<Ack<DeskMessageView>>;
  }

  it('delivers a citizen message to an on-duty agent and the reply back to the citizen, stored once', async () => {
    const gendarme = await availableAgent();
    const { socket, log } = await citizen();
    await sessionOf(log);

    const clientMessageId = newClientMessageId();
    const accepted = await send(socket, 'Bonjour, on m’a volé mon vélo', clientMessageId);
    expect(accepted.ok).toBe(true);
    // The same message delivered twice (a resend after a network drop) is accepted and stored once.
    expect((await send(socket, 'Bonjour, on m’a volé mon vélo', clientMessageId)).ok).toBe(true);

    const assigned = await gendarme.log.waitFor<DeskAssignmentEvent>('conversation:assigned');
    expect(assigned.conversation.assigneeId).toBe(gendarme.agent.id);
    expect(citizenAndAgentTexts(assigned.messages)).toEqual(['Bonjour, on m’a volé mon vélo']);
    await log.waitFor('status', (s: { state: string; agentName?: string }) => s.state === 'assigned');

    const sent = await reply(gendarme.socket, assigned.conversation.id, 'Bonjour, je suis le gendarme qui vous répond.');
    expect(sent.ok).toBe(true);
    const received = await log.waitFor<CitizenMessageView>('message', (message) => message.author === 'agent');
    expect(received.text).toBe('Bonjour, je suis le gendarme qui vous répond.');
    expect(received.authorName).toBe(gendarme.agent.displayName);
    socket.emit('message:ack', { ids: [received.id] });
    const delivered = await gendarme.log.waitFor<{ status: string; messageId: string }>(
      'message:status',
      (event) => event.status === 'delivered',
    );
    expect(delivered.messageId).toBe(received.id);

    const db = platform.dataSource;
    expect(await db.query(`SELECT count(*)::int AS n FROM contacts`)).toEqual([{ n: 1 }]);
    const conversations = await db.query(`SELECT status, assignee_id, assigned_at, first_agent_reply_at FROM conversations`);
    expect(conversations).toHaveLength(1);
    expect(conversations[0]).toMatchObject({ status: 'assigned', assignee_id: gendarme.agent.id });
    expect(conversations[0].first_agent_reply_at).not.toBeNull();
    const messages = await db.query(
      `SELECT direction, text, delivery_status FROM messages WHERE author_type <> 'system' ORDER BY created_at`,
    );
    expect(messages).toEqual([
      { direction: 'inbound', text: 'Bonjour, on m’a volé mon vélo', delivery_status: 'received' },
      { direction: 'outbound', text: 'Bonjour, je suis le gendarme qui vous répond.', delivery_status: 'delivered' },
    ]);
    expect(await db.query(`SELECT count(*)::int AS n FROM inbox_entries WHERE processed_at IS NOT NULL`)).toEqual([
      { n: 1 },
    ]);
    expect(await db.query(`SELECT count(*)::int AS n FROM assignments`)).toEqual([{ n: 1 }]);
    // The reply is in the audit log: who answered which conversation, with which message.
    const [agentReply] = await db.query(`SELECT id, conversation_id FROM messages WHERE author_type = 'agent'`);
    expect(
      await db.query(`SELECT actor_type, actor_id, subject_type, subject_id, details FROM audit_events WHERE action = 'message.reply'`),
    ).toEqual([
      {
        actor_type: 'agent',
        actor_id: gendarme.agent.id,
        subject_type: 'conversation',
        subject_id: agentReply.conversation_id,
        details: { messageId: agentReply.id },
      },
    ]);
  });

  it('gives a citizen who reconnects with the token the reply sent while they were away', async () => {
    const gendarme = await availableAgent();
    const first = await citizen();
    const session = await sessionOf(first.log);
    await send(first.socket, 'Je dois partir, je reviens');
    const assigned = await gendarme.log.waitFor<DeskAssignmentEvent>('conversation:assigned');
    first.socket.disconnect();

    expect((await reply(gendarme.socket, assigned.conversation.id, 'Nous restons à votre écoute.')).ok).toBe(true);
    // Wait until the reply has gone through the outbound queue.
    await gendarme.log.waitFor<{ status: string }>('message:status', (event) => event.status === 'sent');

    const again = await citizen(session.token);
    const history = await again.log.waitFor<{ messages: CitizenMessageView[] }>('history');
    expect(history.messages.filter((m) => m.author !== 'system').map((m) => [m.author, m.text])).toEqual([
      ['citizen', 'Je dois partir, je reviens'],
      ['agent', 'Nous restons à votre écoute.'],
    ]);
    expect(again.log.all('session')).toHaveLength(0);
  });

  it('keeps a conversation waiting while no agent is on duty and available, then assigns it to the first who is', async () => {
    const away = await availableAgent();
    await away.socket.emitWithAck('presence:set', { presence: 'away' });
    const offShift = await availableAgent({ onShift: false });

    const { socket, log } = await citizen();
    await sessionOf(log);
    await send(socket, 'Il y a quelqu’un ?');
    await waitUntil(async () => {
      const rows = await platform.dataSource.query(`SELECT status FROM conversations`);
      return rows.length === 1 && rows[0].status === 'waiting';
    });
    // Several routing ticks pass: nobody eligible gets it.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(away.log.all('conversation:assigned')).toHaveLength(0);
    expect(offShift.log.all('conversation:assigned')).toHaveLength(0);
    expect((await platform.dataSource.query(`SELECT status FROM conversations`))[0].status).toBe('waiting');

    const arriving = await availableAgent();
    const assigned = await arriving.log.waitFor<DeskAssignmentEvent>('conversation:assigned');
    expect(assigned.conversation.assigneeId).toBe(arriving.agent.id);
    expect(citizenAndAgentTexts(assigned.messages)).toEqual(['Il y a quelqu’un ?']);
    expect(away.log.all('conversation:assigned')).toHaveLength(0);
    expect(offShift.log.all('conversation:assigned')).toHaveLength(0);
  });

  it('refuses a desk socket without a valid token', async () => {
    await expect(connectDesk(platform.url, undefined)).rejects.toThrow('unauthorized');
    await expect(connectDesk(platform.url, 'not-a-jwt')).rejects.toThrow('unauthorized');
  });

  it('does not let an agent read or answer a conversation assigned to someone else', async () => {
    const holder = await availableAgent();
    const { socket, log } = await citizen();
    await sessionOf(log);
    await send(socket, 'Bonjour');
    const assigned = await holder.log.waitFor<DeskAssignmentEvent>('conversation:assigned');

    const other = await createAgent(platform.dataSource, { presence: 'away' });
    const token = await login(platform.url, other.login, TEST_PASSWORD);
    const read = await fetch(`${platform.url}/api/conversations/${assigned.conversation.id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(read.status).toBe(403);
    const answer = await fetch(`${platform.url}/api/conversations/${assigned.conversation.id}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientMessageId: newClientMessageId(), text: 'Je réponds à sa place' }),
    });
    expect(answer.status).toBe(403);
    const desk = await connectDesk(platform.url, token);
    sockets.push(desk.socket);
    const viaSocket = await reply(desk.socket, assigned.conversation.id, 'Je réponds à sa place');
    expect(viaSocket).toMatchObject({ ok: false, status: 403 });
    const outbound = await platform.dataSource.query(
      `SELECT count(*)::int AS n FROM messages WHERE direction = 'outbound' AND author_type = 'agent'`,
    );
    expect(outbound).toEqual([{ n: 0 }]);

    const holderRead = await fetch(`${platform.url}/api/conversations/${assigned.conversation.id}`, {
      headers: { authorization: `Bearer ${holder.token}` },
    });
    expect(holderRead.status).toBe(200);
  });

  it('refuses REST calls without a token and answers health checks', async () => {
    expect((await fetch(`${platform.url}/api/desk/conversations`)).status).toBe(401);
    expect((await fetch(`${platform.url}/health`)).status).toBe(200);
    const ready = await fetch(`${platform.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', info: { postgres: { status: 'up' }, redis: { status: 'up' } } });
  });
});

/** The automatic acknowledgement is a system message; these tests follow the citizen and the agent. */
function citizenAndAgentTexts(messages: DeskMessageView[]): string[] {
  return messages.filter((m) => m.author !== 'system').map((m) => m.text);
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

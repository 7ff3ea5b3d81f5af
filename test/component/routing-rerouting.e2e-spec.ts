import type { CitizenMessageView, CitizenStatus, DeskAssignmentEvent } from '@brigade/realtime';
import { EventLog, connectCitizen, connectDesk, login, newClientMessageId } from '../support/clients';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

type Ack<T> = { ok: true; data: T } | { ok: false; error: string; status: number };

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const GRACE_MS = 1500;

describe('re-routing: presence grace, no reply, shift end, reopen, acknowledgement, abandonment', () => {
  let platform: TestPlatform;
  const sockets: { disconnect(): unknown }[] = [];

  beforeAll(async () => {
    // Every test signs several gendarmes in from the same address: above the per-address login limit of production.
    platform = await startPlatform({
      PRESENCE_GRACE_MS: String(GRACE_MS),
      ROUTING_SKILL_FALLBACK_AFTER_SECONDS: '0',
      AUTH_LOGIN_ATTEMPTS_PER_MINUTE: '200',
    });
  });
  afterAll(async () => {
    sockets.splice(0).forEach((socket) => socket.disconnect());
    await platform?.close();
  });
  beforeEach(async () => {
    await resetDatabase(platform.dataSource);
  });
  afterEach(() => {
    sockets.splice(0).forEach((socket) => socket.disconnect());
  });

  const db = () => platform.dataSource;

  async function desk(token: string) {
    const connection = await connectDesk(platform.url, token);
    sockets.push(connection.socket);
    return connection;
  }

  async function availableAgent(spec: Parameters<typeof createAgent>[1] = {}) {
    const agent = await createAgent(db(), spec);
    const token = await login(platform.url, agent.login, TEST_PASSWORD);
    const tab = await desk(token);
    const ack = (await tab.socket.emitWithAck('presence:set', { presence: 'available' })) as Ack<unknown>;
    expect(ack.ok).toBe(true);
    return { agent, token, ...tab };
  }

  async function citizenWrites(text: string, token?: string) {
    const connection = await connectCitizen(platform.url, token);
    sockets.push(connection.socket);
    const session = token ? null : await connection.log.waitFor<{ token: string; visitorId: string }>('session');
    const ack = (await connection.socket.emitWithAck('message:send', {
      clientMessageId: newClientMessageId(),
      text,
    })) as Ack<{ id: string }>;
    expect(ack.ok).toBe(true);
    return { ...connection, token: token ?? session!.token };
  }

  async function conversationRow() {
    const rows = await db().query(`SELECT id, status, assignee_id, previous_assignee_id FROM conversations`);
    expect(rows).toHaveLength(1);
    return rows[0] as { id: string; status: string; assignee_id: string | null; previous_assignee_id: string | null };
  }

  async function internalNotes(conversationId: string): Promise<string[]> {
    const rows = await db().query(
      `SELECT text FROM messages WHERE conversation_id = $1 AND direction = 'internal' ORDER BY created_at`,
      [conversationId],
    );
    return rows.map((row: { text: string }) => row.text);
  }

  it('acknowledges a new conversation to the citizen and shows the queue position while nobody is on duty', async () => {
    const citizen = await citizenWrites('Bonjour, j’ai une question');
    // Other system messages (the triage assistant's) may come too: the acknowledgement is the configured text.
    const ack = await citizen.log.waitFor<CitizenMessageView>('message', (m) => m.author === 'system' && /bien été reçu/.test(m.text));
    expect(ack.text).toMatch(/^Bonjour, votre message a bien été reçu/);
    const status = await citizen.log.waitFor<CitizenStatus>('status', (s) => s.state === 'waiting');
    expect(status.queuePosition).toBe(1);
    const stored = await db().query(
      `SELECT author_type, direction FROM messages WHERE author_type = 'system' AND text LIKE '%bien été reçu%'`,
    );
    expect(stored).toEqual([{ author_type: 'system', direction: 'outbound' }]);

    // A second citizen is behind the first.
    const second = await citizenWrites('Moi aussi');
    const secondStatus = await second.log.waitFor<CitizenStatus>('status', (s) => s.state === 'waiting');
    expect(secondStatus.queuePosition).toBe(2);
  });

  it('estimates the wait from the recent service rate: one served in the last half hour, first in line waits ~30 min', async () => {
    const agent = await availableAgent({ capacity: 1 });
    await citizenWrites('Première question');
    await agent.log.waitFor<DeskAssignmentEvent>('conversation:assigned');
    const second = await citizenWrites('Deuxième question');
    const status = await second.log.waitFor<CitizenStatus>('status', (s) => s.state === 'waiting');
    expect(status).toEqual({ state: 'waiting', queuePosition: 1, estimatedWaitSeconds: 1800 });
  });

  it('keeps the conversations of an agent who closes one tab of two, and re-routes them after the grace period once all are gone', async () => {
    const first = await availableAgent();
    const secondTab = await desk(first.token);
    await citizenWrites('Bonjour');
    const assigned = await first.log.waitFor<DeskAssignmentEvent>('conversation:assigned');

    // A colleague arrives after the assignment: the conversation stays with the first agent while connected.
    const colleague = await availableAgent();
    first.socket.disconnect();
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS + 1200));
    expect((await conversationRow()).assignee_id).toBe(first.agent.id);
    expect(colleague.log.all('conversation:assigned')).toHaveLength(0);

    secondTab.socket.disconnect();
    const moved = await colleague.log.waitFor<DeskAssignmentEvent>('conversation:assigned', () => true, 8000);
    expect(moved.conversation.id).toBe(assigned.conversation.id);
    const [agentRow] = await db().query(`SELECT presence FROM agents WHERE id = $1`, [first.agent.id]);
    expect(agentRow.presence).toBe('offline');
    expect(await internalNotes(assigned.conversation.id)).toEqual([expect.stringMatching(/hors ligne/)]);
  });

  it('keeps the conversations of an agent who reconnects within the grace period', async () => {
    const first = await availableAgent();
    await citizenWrites('Bonjour');
    await first.log.waitFor<DeskAssignmentEvent>('conversation:assigned');
    const colleague = await availableAgent();
    first.socket.disconnect();
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS / 3));
    await desk(first.token);
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS + 1500));
    expect((await conversationRow()).assignee_id).toBe(first.agent.id);
    expect(colleague.log.all('conversation:assigned')).toHaveLength(0);
    const [agentRow] = await db().query(`SELECT presence, disconnected_at FROM agents WHERE id = $1`, [first.agent.id]);
    expect(agentRow).toEqual({ presence: 'available', disconnected_at: null });
  });

  it('hands over at once the conversations of an agent who sets themselves offline', async () => {
    const leaving = await availableAgent();
    await citizenWrites('Bonjour');
    const assigned = await leaving.log.waitFor<DeskAssignmentEvent>('conversation:assigned');
    const colleague = await availableAgent();
    const response = await fetch(`${platform.url}/api/me/presence`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${leaving.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ presence: 'offline' }),
    });
    expect(response.status).toBe(200);
    const moved = await colleague.log.waitFor<DeskAssignmentEvent>('conversation:assigned');
    expect(moved.conversation.id).toBe(assigned.conversation.id);
    await leaving.log.waitFor('conversation:removed', (e: { reason: string }) => e.reason === 'agent-offline');
  });

  it('re-routes a conversation its agent has not answered within the no-reply delay, to another agent', async () => {
    const silent = await availableAgent();
    await citizenWrites('Allô ?');
    const assigned = await silent.log.waitFor<DeskAssignmentEvent>('conversation:assigned');
    const colleague = await availableAgent();
    // Normal priority: 10 minutes by default. Move the assignment back in time instead of waiting.
    await db().query(`UPDATE conversations SET assigned_at = now() - interval '11 minutes'`);
    const moved = await colleague.log.waitFor<DeskAssignmentEvent>('conversation:assigned');
    expect(moved.conversation.id).toBe(assigned.conversation.id);
    await silent.log.waitFor('conversation:removed', (e: { reason: string }) => e.reason === 'no-reply');
    expect((await conversationRow()).previous_assignee_id).toBe(silent.agent.id);
    expect(await internalNotes(assigned.conversation.id)).toEqual([expect.stringMatching(/pas de réponse/)]);
  });

  it('keeps an unanswered emergency with the only gendarme on duty and alerts the supervisors once, as a breach, instead of looping', async () => {
    const alone = await availableAgent({ skills: ['general', 'violence'] });
    const supervisor = await createAgent(db(), { role: 'supervisor', onShift: false });
    const supervisorToken = await login(platform.url, supervisor.login, TEST_PASSWORD);
    const supervisorDesk = await desk(supervisorToken);
    await citizenWrites('Au secours, il me frappe');
    const assigned = await alone.log.waitFor<DeskAssignmentEvent>('conversation:assigned');
    await waitUntil(async () => (await conversationRow()).status === 'assigned');
    const [row] = await db().query(`SELECT priority, queue FROM conversations`);
    expect(row).toEqual({ priority: 0, queue: 'violence' });
    // Emergency: 2 minutes by default. Move the assignment back in time instead of waiting.
    await db().query(`UPDATE conversations SET assigned_at = now() - interval '3 minutes'`);
    const alert = await supervisorDesk.log.waitFor<{ kind: string; conversationId: string; agentId: string }>('supervisor:alert');
    expect(alert).toMatchObject({ kind: 'no-reply', conversationId: assigned.conversation.id, agentId: alone.agent.id });
    // Several sweeps later: still with the same gendarme, never taken away and given back, alerted once.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect((await conversationRow()).assignee_id).toBe(alone.agent.id);
    expect(alone.log.all('conversation:removed')).toEqual([]);
    expect(alone.log.all('conversation:assigned')).toHaveLength(1);
    expect(supervisorDesk.log.all('supervisor:alert')).toHaveLength(1);
    expect(await internalNotes(assigned.conversation.id)).toEqual([expect.stringMatching(/superviseurs alertés/)]);
    const load = await fetch(`${platform.url}/api/supervisor/queue`, {
      headers: { authorization: `Bearer ${supervisorToken}` },
    }).then((response) => response.json() as Promise<{ breaches: { unanswered: number } }>);
    expect(load.breaches.unanswered).toBe(1);
    // A colleague comes on: now someone else can take it, and it moves.
    const colleague = await availableAgent();
    const moved = await colleague.log.waitFor<DeskAssignmentEvent>('conversation:assigned');
    expect(moved.conversation.id).toBe(assigned.conversation.id);
    await alone.log.waitFor('conversation:removed', (e: { reason: string }) => e.reason === 'no-reply');
  });

  it('does not re-route a conversation the agent has answered', async () => {
    const agent = await availableAgent();
    await citizenWrites('Allô ?');
    const assigned = await agent.log.waitFor<DeskAssignmentEvent>('conversation:assigned');
    await availableAgent();
    const reply = (await agent.socket.emitWithAck('message:send', {
      conversationId: assigned.conversation.id,
      clientMessageId: newClientMessageId(),
      text: 'Je vous écoute.',
    })) as Ack<unknown>;
    expect(reply.ok).toBe(true);
    await db().query(`UPDATE conversations SET assigned_at = now() - interval '11 minutes',
                      last_agent_message_at = now() - interval '10 minutes'`);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await conversationRow()).assignee_id).toBe(agent.agent.id);
  });

  it('hands over the open conversations of an agent whose shift ends, with a hand-over note', async () => {
    const leaving = await availableAgent();
    await citizenWrites('Bonsoir');
    const assigned = await leaving.log.waitFor<DeskAssignmentEvent>('conversation:assigned');
    const nightShift = await availableAgent();
    await db().query(`UPDATE shifts SET ends_at = now() - interval '1 second' WHERE agent_id = $1`, [leaving.agent.id]);
    const moved = await nightShift.log.waitFor<DeskAssignmentEvent>('conversation:assigned');
    expect(moved.conversation.id).toBe(assigned.conversation.id);
    expect(moved.messages.map((m) => [m.direction, m.author])).toContainEqual(['internal', 'system']);
    await leaving.log.waitFor('conversation:removed', (e: { reason: string }) => e.reason === 'shift-end');
    expect(await internalNotes(assigned.conversation.id)).toEqual([expect.stringMatching(/^Relève : .* terminé son service/)]);
  });

  it('reopens a recently closed conversation and gives it back to its agent when on duty and available', async () => {
    const agent = await availableAgent();
    const citizen = await citizenWrites('Première question');
    const assigned = await agent.log.waitFor<DeskAssignmentEvent>('conversation:assigned');
    const closed = await fetch(`${platform.url}/api/conversations/${assigned.conversation.id}/close`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ outcome: 'answered' }),
    });
    expect(closed.status).toBe(201);
    // A less loaded colleague is on duty, yet the previous agent gets it back.
    await availableAgent();
    await citizenWrites('Encore une chose', citizen.token);
    await agent.log.waitFor<DeskAssignmentEvent>('conversation:assigned', (e) => e.reason === 'reopened');
    const row = await conversationRow();
    expect(row).toMatchObject({ id: assigned.conversation.id, status: 'assigned', assignee_id: agent.agent.id });
  });

  it('never gives a reopened conversation to its previous agent once off duty: another on-duty agent gets it', async () => {
    const agent = await availableAgent();
    const citizen = await citizenWrites('Première question');
    const assigned = await agent.log.waitFor<DeskAssignmentEvent>('conversation:assigned');
    await db().query(`UPDATE conversations SET status = 'closed', closed_at = now() WHERE id = $1`, [assigned.conversation.id]);
    await db().query(`UPDATE assignments SET ended_at = now(), end_reason = 'closed'`);
    // The shift is over but the desk is still open and available.
    await db().query(`UPDATE shifts SET ends_at = now() - interval '1 second' WHERE agent_id = $1`, [agent.agent.id]);
    const colleague = await availableAgent();
    await citizenWrites('Encore une chose', citizen.token);
    await colleague.log.waitFor<DeskAssignmentEvent>('conversation:assigned', (e) => e.reason === 'reopened');
    expect(await conversationRow()).toMatchObject({ id: assigned.conversation.id, assignee_id: colleague.agent.id });
    expect(agent.log.all<DeskAssignmentEvent>('conversation:assigned')).toHaveLength(1);
  });

  it('keeps a reopened conversation waiting rather than give it to an off-duty previous agent when nobody else is on duty', async () => {
    const agent = await availableAgent();
    const citizen = await citizenWrites('Question');
    const assigned = await agent.log.waitFor<DeskAssignmentEvent>('conversation:assigned');
    await db().query(`UPDATE conversations SET status = 'closed', closed_at = now() WHERE id = $1`, [assigned.conversation.id]);
    await db().query(`UPDATE agents SET duty_override = 'off' WHERE id = $1`, [agent.agent.id]);
    await citizenWrites('Vous êtes là ?', citizen.token);
    await waitUntil(async () => (await conversationRow()).status === 'waiting');
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(await conversationRow()).toMatchObject({ status: 'waiting', assignee_id: null });
    expect(agent.log.all('conversation:assigned')).toHaveLength(1);
  });

  it('opens a new conversation when the citizen writes again after the reopen window', async () => {
    const agent = await availableAgent();
    const citizen = await citizenWrites('Question');
    const assigned = await agent.log.waitFor<DeskAssignmentEvent>('conversation:assigned');
    await db().query(`UPDATE conversations SET status = 'closed', closed_at = now() - interval '3 hours' WHERE id = $1`, [
      assigned.conversation.id,
    ]);
    await citizenWrites('Bonjour à nouveau', citizen.token);
    await waitUntil(async () => (await db().query(`SELECT id FROM conversations`)).length === 2);
  });

  it('closes a waiting conversation whose citizen has gone silent as abandoned, and counts it', async () => {
    const citizen = await citizenWrites('Il y a quelqu’un ?');
    await waitUntil(async () => (await db().query(`SELECT id FROM conversations`)).length === 1);
    await db().query(`UPDATE conversations SET waiting_since = now() - interval '31 minutes',
                      last_citizen_message_at = now() - interval '31 minutes'`);
    await citizen.log.waitFor<CitizenStatus>('status', (s) => s.state === 'closed');
    expect(await conversationRow()).toMatchObject({ status: 'abandoned' });
    const supervisor = await createAgent(db(), { role: 'supervisor' });
    const token = await login(platform.url, supervisor.login, TEST_PASSWORD);
    const overview = await fetch(`${platform.url}/api/supervisor/routing`, { headers: { authorization: `Bearer ${token}` } });
    expect(overview.status).toBe(200);
    expect(((await overview.json()) as { abandonedToday: number }).abandonedToday).toBe(1);
  });
});

export type { EventLog };

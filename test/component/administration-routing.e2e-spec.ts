import type { DeskAssignmentEvent } from '@brigade/realtime';
import { connectCitizen, connectDesk, login, newClientMessageId } from '../support/clients';
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

/** Local date and time in Paris a few minutes before now, so that a shift written from it is on now. */
function parisNow(minutesAgo = 5): { date: string; time: string } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Paris',
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(new Date(Date.now() - minutesAgo * 60_000));
  const field = (type: string) => parts.find((part) => part.type === type)!.value;
  return { date: `${field('year')}-${field('month')}-${field('day')}`, time: `${field('hour')}:${field('minute')}` };
}

describe('administration takes effect live: routing follows capacity, skills, shifts, queues and deactivation', () => {
  let platform: TestPlatform;
  let adminToken: string;
  const sockets: { disconnect(): unknown }[] = [];

  beforeAll(async () => {
    // No skill fallback: a conversation needing a skill waits for someone who has it.
    platform = await startPlatform({ AUTH_LOGIN_ATTEMPTS_PER_MINUTE: '1000', ROUTING_SKILL_FALLBACK: 'false' });
  });
  afterAll(async () => {
    sockets.splice(0).forEach((socket) => socket.disconnect());
    await platform.close();
  });
  beforeEach(async () => {
    await resetDatabase(platform.dataSource);
    const admin = await createAgent(platform.dataSource, { role: 'admin', onShift: false });
    adminToken = await login(platform.url, admin.login, TEST_PASSWORD);
  });
  afterEach(async () => {
    sockets.splice(0).forEach((socket) => socket.disconnect());
    await platform.dataSource.query(`UPDATE queues SET required_skill = key WHERE key = 'offence'`);
  });

  const db = () => platform.dataSource;

  async function admin(method: string, path: string, body?: unknown) {
    const response = await fetch(`${platform.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    expect([path, response.status]).toEqual([path, expect.any(Number)]);
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }

  async function availableAgent(spec: Parameters<typeof createAgent>[1] = {}) {
    const agent = await createAgent(db(), spec);
    const token = await login(platform.url, agent.login, TEST_PASSWORD);
    const desk = await connectDesk(platform.url, token);
    sockets.push(desk.socket);
    const ack = (await desk.socket.emitWithAck('presence:set', { presence: 'available' })) as Ack<unknown>;
    expect(ack.ok).toBe(true);
    return { agent, token, ...desk };
  }

  /** A citizen writes; returns the new conversation, moved to the queue asked for (only while nobody can take it). */
  async function newConversation(queue?: string): Promise<string> {
    const citizen = await connectCitizen(platform.url);
    sockets.push(citizen.socket);
    await citizen.log.waitFor('session');
    const before: { id: string }[] = await db().query(`SELECT id FROM conversations`);
    const ack = (await citizen.socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text: 'Bonjour, une question' })) as Ack<unknown>;
    expect(ack.ok).toBe(true);
    let id = '';
    await waitUntil(async () => {
      const rows: { id: string }[] = await db().query(`SELECT id FROM conversations WHERE NOT (id = ANY($1::uuid[]))`, [before.map((r) => r.id)]);
      id = rows[0]?.id ?? '';
      return id !== '';
    });
    if (queue) {
      const [, moved] = await db().query(`UPDATE conversations SET queue = $2 WHERE id = $1 AND status = 'waiting'`, [id, queue]);
      expect(moved).toBe(1);
    }
    return id;
  }

  const statusOf = async (id: string) =>
    ((await db().query(`SELECT status, assignee_id FROM conversations WHERE id = $1`, [id])) as { status: string; assignee_id: string | null }[])[0];

  it('assigns a waiting conversation as soon as an admin raises the capacity of a full agent', async () => {
    const gendarme = await availableAgent({ capacity: 1 });
    const first = await newConversation();
    await gendarme.log.waitFor<DeskAssignmentEvent>('conversation:assigned', (e) => e.conversation.id === first);
    const second = await newConversation();
    await new Promise((resolve) => setTimeout(resolve, 700)); // a routing tick passes: still full
    expect((await statusOf(second)).status).toBe('waiting');

    await admin('PATCH', `/api/admin/agents/${gendarme.agent.id}`, { capacity: 2 });
    const assigned = await gendarme.log.waitFor<DeskAssignmentEvent>('conversation:assigned', (e) => e.conversation.id === second);
    expect(assigned.conversation.assigneeId).toBe(gendarme.agent.id);
  });

  it('assigns a conversation needing a skill once an admin gives the skill, or the queue stops requiring it', async () => {
    const first = await newConversation('offence');
    const second = await newConversation('offence');
    const gendarme = await availableAgent({ skills: ['general'], capacity: 1 });
    const other = await availableAgent({ skills: ['general'], capacity: 1 });
    await new Promise((resolve) => setTimeout(resolve, 700)); // a routing tick passes: nobody has the skill
    expect(await statusOf(first)).toEqual({ status: 'waiting', assignee_id: null });
    expect(await statusOf(second)).toEqual({ status: 'waiting', assignee_id: null });

    await admin('PATCH', `/api/admin/agents/${gendarme.agent.id}`, { skills: ['general', 'offence'] });
    await gendarme.log.waitFor<DeskAssignmentEvent>('conversation:assigned', (e) => e.conversation.id === first);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(await statusOf(second)).toEqual({ status: 'waiting', assignee_id: null });

    await admin('PATCH', '/api/admin/queues/offence', { requiredSkill: null });
    await other.log.waitFor<DeskAssignmentEvent>('conversation:assigned', (e) => e.conversation.id === second);
  });

  it('assigns to an available agent once a shift starting now is added to the roster, and hands back when it is removed', async () => {
    const gendarme = await availableAgent({ onShift: false });
    const conversation = await newConversation();
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect((await statusOf(conversation)).status).toBe('waiting');

    const start = parisNow(5);
    const shift = await admin('POST', '/api/admin/roster/shifts', { agentId: gendarme.agent.id, date: start.date, start: start.time, end: parisNow(-240).time });
    await gendarme.log.waitFor<DeskAssignmentEvent>('conversation:assigned', (e) => e.conversation.id === conversation);

    await admin('DELETE', `/api/admin/roster/shifts/${shift.id}`);
    await waitUntil(async () => (await statusOf(conversation)).status === 'waiting');
    expect((await statusOf(conversation)).assignee_id).toBeNull();
  });

  it('hands the conversations of a deactivated agent back to the queue, to an on-duty colleague', async () => {
    const leaving = await availableAgent();
    const conversation = await newConversation();
    await leaving.log.waitFor<DeskAssignmentEvent>('conversation:assigned', (e) => e.conversation.id === conversation);
    const colleague = await availableAgent();

    await admin('POST', `/api/admin/agents/${leaving.agent.id}/deactivate`);
    const moved = await colleague.log.waitFor<DeskAssignmentEvent>('conversation:assigned', (e) => e.conversation.id === conversation);
    expect(moved.conversation.assigneeId).toBe(colleague.agent.id);
    const [assignment] = await db().query(`SELECT end_reason FROM assignments WHERE conversation_id = $1 AND agent_id = $2`, [conversation, leaving.agent.id]);
    expect(assignment.end_reason).toBe('agent-offline');
  });
});

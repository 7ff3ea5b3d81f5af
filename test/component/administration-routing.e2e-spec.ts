import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { QueueChangeSignal } from '@brigade/queue';
import { RetentionService } from '@brigade/privacy';
import type { CitizenMessageView, DeskAssignmentEvent } from '@brigade/realtime';
import type { QueueLoadView } from '@brigade/reporting';
import type { QueueOverview } from '@brigade/routing';
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

const MENU = /Pour mieux vous orienter/;

/** The queues table as the migrations leave it, restored after each test (and every process told to read it again). */
async function snapshotQueues(dataSource: DataSource): Promise<() => Promise<void>> {
  const [{ rows }]: { rows: unknown }[] = await dataSource.query(`SELECT json_agg(q) AS rows FROM queues q`);
  return async () => {
    await dataSource.query(`DELETE FROM queues`);
    await dataSource.query(`INSERT INTO queues SELECT * FROM json_populate_recordset(NULL::queues, $1::json)`, [JSON.stringify(rows)]);
  };
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
  let restoreQueues: () => Promise<void>;
  const sockets: { disconnect(): unknown }[] = [];

  beforeAll(async () => {
    // No skill fallback: a conversation needing a skill waits for someone who has it.
    platform = await startPlatform({ AUTH_LOGIN_ATTEMPTS_PER_MINUTE: '1000', ROUTING_SKILL_FALLBACK: 'false' });
    restoreQueues = await snapshotQueues(platform.dataSource);
  });
  afterAll(async () => {
    sockets.splice(0).forEach((socket) => socket.disconnect());
    await platform?.close();
  });
  beforeEach(async () => {
    await resetDatabase(platform.dataSource);
    const admin = await createAgent(platform.dataSource, { role: 'admin', onShift: false });
    adminToken = await login(platform.url, admin.login, TEST_PASSWORD);
  });
  afterEach(async () => {
    sockets.splice(0).forEach((socket) => socket.disconnect());
    await restoreQueues();
    await platform.app.get(QueueChangeSignal).publish();
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
    // Moved only once the triage has answered: otherwise the topic it reads in the message may move it back.
    if (queue) return waitingIn(queue);
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

  /** A citizen says hello and gets the triage menu; returns the citizen, the menu and the conversation id. */
  async function citizenAtMenu() {
    const citizen = await connectCitizen(platform.url);
    sockets.push(citizen.socket);
    await citizen.log.waitFor('session');
    const before: { id: string }[] = await db().query(`SELECT id FROM conversations`);
    await citizen.socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text: 'Bonjour' });
    const menu = await citizen.log.waitFor<CitizenMessageView>('message', (m) => MENU.test(m.text));
    const [{ id }]: { id: string }[] = await db().query(`SELECT id FROM conversations WHERE NOT (id = ANY($1::uuid[]))`, [
      before.map((r) => r.id),
    ]);
    return { citizen, menu: menu.text, id };
  }

  /** A conversation waiting in the given queue, after the triage has spoken (so it cannot move it any more). */
  async function waitingIn(queue: string): Promise<string> {
    const { id } = await citizenAtMenu();
    const [, moved] = await db().query(`UPDATE conversations SET queue = $2 WHERE id = $1 AND status = 'waiting'`, [id, queue]);
    expect(moved).toBe(1);
    return id;
  }

  it('offers the triage menu from the queues table: a renamed topic, a new queue and a deactivated one show at the next message', async () => {
    const first = await citizenAtMenu();
    expect(first.menu).toContain('4. Suivre une procédure en cours');
    expect(first.menu).not.toContain('6.');

    await admin('PATCH', '/api/admin/queues/procedure', { nameFr: 'Suivre mon dossier (plainte déjà déposée)' });
    await admin('POST', '/api/admin/queues', {
      key: 'lost-property',
      nameFr: 'Objets perdus ou trouvés',
      nameEn: 'Lost or found property',
      priority: 1,
      triageKeywords: ['Objet trouvé'],
    });
    const second = await citizenAtMenu();
    expect(second.menu.split('\n')).toEqual([
      'Pour mieux vous orienter, répondez par un chiffre :',
      '1. Une question, un renseignement',
      '2. Signaler une infraction (vol, arnaque, dégradation…)',
      '3. Violences, dont violences sexuelles et sexistes',
      '4. Suivre mon dossier (plainte déjà déposée)',
      '5. Devenir gendarme (recrutement)',
      '6. Objets perdus ou trouvés',
      '0. C’est une urgence',
    ]);

    // The choice leads to the new queue at its priority class; its keywords work too.
    await second.citizen.socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text: '6' });
    await second.citizen.log.waitFor<CitizenMessageView>('message', (m) => m.text.includes('« Objets perdus ou trouvés »'));
    expect(await db().query(`SELECT queue, priority FROM conversations WHERE id = $1`, [second.id])).toEqual([{ queue: 'lost-property', priority: 1 }]);
    const third = await citizenAtMenu();
    await third.citizen.socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text: 'un objet trouve' });
    await waitUntil(async () => (await db().query(`SELECT queue FROM conversations WHERE id = $1`, [third.id]))[0].queue === 'lost-property');

    await admin('PATCH', '/api/admin/queues/lost-property', { active: false });
    await admin('PATCH', '/api/admin/queues/general', { triagePosition: 9 });
    const fourth = await citizenAtMenu();
    expect(fourth.menu).not.toContain('Objets perdus');
    expect(fourth.menu).toContain('1. Signaler une infraction');
    expect(fourth.menu).toContain('5. Une question, un renseignement\n0. C’est une urgence');
    // A queue may not take the name of the emergency choice.
    await expect(admin('POST', '/api/admin/queues', { key: 'emergency', nameFr: 'Urgence', nameEn: 'Emergency' })).rejects.toThrow(/reserved/);
  });

  it('re-routes on no agent reply after the queue\'s own delay, sooner than the default; a shorter delay applies at once', async () => {
    await db().query(`UPDATE queues SET required_skill = NULL WHERE key IN ('offence', 'procedure')`);
    await admin('PATCH', '/api/admin/queues/offence', { noReplyRerouteMinutes: 1 });
    const quick = await waitingIn('offence');
    const usual = await waitingIn('procedure'); // priority 2: the default delay is 10 minutes
    const silent = await availableAgent({ capacity: 2 });
    await silent.log.waitFor<DeskAssignmentEvent>('conversation:assigned', (e) => e.conversation.id === quick);
    await silent.log.waitFor<DeskAssignmentEvent>('conversation:assigned', (e) => e.conversation.id === usual);
    const colleague = await availableAgent();
    await db().query(`UPDATE conversations SET assigned_at = now() - interval '90 seconds' WHERE id = ANY($1::uuid[])`, [[quick, usual]]);

    // The tick (every 500 ms here) re-routes the offence conversation only.
    await colleague.log.waitFor<DeskAssignmentEvent>('conversation:assigned', (e) => e.conversation.id === quick);
    const [note] = await db().query(`SELECT text FROM messages WHERE conversation_id = $1 AND direction = 'internal'`, [quick]);
    expect(note.text).toMatch(/^Réattribution : pas de réponse de .* dans les 1 minutes/);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(await statusOf(usual)).toEqual({ status: 'assigned', assignee_id: silent.agent.id });

    // The administrator shortens the delay of the other queue: the sweep of that change moves it before the answer.
    await admin('PATCH', '/api/admin/queues/procedure', { noReplyRerouteMinutes: 1 });
    expect(await statusOf(usual)).toEqual({ status: 'assigned', assignee_id: colleague.agent.id });
    const ends = await db().query(`SELECT end_reason FROM assignments WHERE agent_id = $1 ORDER BY assigned_at`, [silent.agent.id]);
    expect(ends).toEqual([{ end_reason: 'no-reply' }, { end_reason: 'no-reply' }]);
  });

  it('counts service-level breaches against each queue\'s own thresholds in the supervisor views, live', async () => {
    const violence = await waitingIn('violence');
    const general = await waitingIn('general');
    await db().query(
      `UPDATE conversations SET waiting_since = now() - interval '3 minutes', created_at = now() - interval '3 minutes' WHERE id = ANY($1::uuid[])`,
      [[violence, general]],
    );
    await admin('PATCH', '/api/admin/queues/violence', { slaWaitSeconds: 60, slaFirstReplySeconds: 120 });
    await admin('PATCH', '/api/admin/queues/general', { slaWaitSeconds: 600 });

    const routing = (await admin('GET', '/api/supervisor/routing')) as QueueOverview;
    const levels = Object.fromEntries(routing.serviceLevels.map((level) => [level.queue, level]));
    expect(levels.violence).toEqual({ queue: 'violence', slaWaitSeconds: 60, slaFirstReplySeconds: 120, waiting: 1, waitingOverSla: 1, awaitingFirstReplyOverSla: 1 });
    expect(levels.general).toEqual({ queue: 'general', slaWaitSeconds: 600, slaFirstReplySeconds: 600, waiting: 1, waitingOverSla: 0, awaitingFirstReplyOverSla: 0 });
    expect(levels.recruitment).toMatchObject({ slaWaitSeconds: 300, waiting: 0, waitingOverSla: 0 });
    expect(routing.waiting.find((row) => row.queue === 'violence')).toMatchObject({ count: 1, slaWaitSeconds: 60, overSla: 1 });
    expect(routing.waiting.find((row) => row.queue === 'general')).toMatchObject({ count: 1, slaWaitSeconds: 600, overSla: 0 });

    const load = (await admin('GET', '/api/supervisor/queue')) as QueueLoadView;
    expect(load.breaches).toMatchObject({ waiting: 1, unanswered: 0, thresholdsFrom: 'queues' });
    expect(load.breaches.byQueue.find((row) => row.queue === 'violence')).toEqual({
      queue: 'violence',
      waitThresholdSeconds: 60,
      replyThresholdSeconds: 120,
      waiting: 1,
      unanswered: 0,
    });
    // Thresholds asked for in the request replace every queue's own.
    const asked = (await admin('GET', '/api/supervisor/queue?waitThresholdSeconds=100')) as QueueLoadView;
    expect(asked.breaches).toMatchObject({ waiting: 2, thresholdsFrom: 'request', waitThresholdSeconds: 100 });

    await admin('PATCH', '/api/admin/queues/general', { slaWaitSeconds: 120 });
    expect(((await admin('GET', '/api/supervisor/queue')) as QueueLoadView).breaches.waiting).toBe(2);
    const after = (await admin('GET', '/api/supervisor/routing')) as QueueOverview;
    expect(after.serviceLevels.find((level) => level.queue === 'general')).toMatchObject({ slaWaitSeconds: 120, waitingOverSla: 1 });
  });

  it('reads retention days from the queues table', async () => {
    const retention = platform.app.get(RetentionService);
    const before = await retention.retentionDays('violence');
    await admin('PATCH', '/api/admin/queues/violence', { retentionDays: 30 });
    expect(await retention.retentionDays('violence')).toBe(30);
    expect(before).not.toBe(30);
  });
});

describe('the triage menu follows an admin\'s change across processes (API and worker apart, one Redis)', () => {
  const platforms: TestPlatform[] = [];
  const sockets: { disconnect(): unknown }[] = [];
  let restoreQueues: () => Promise<void>;

  beforeAll(async () => {
    const shared = { QUEUE_PREFIX: `test-queues-${randomUUID().slice(0, 8)}`, AUTH_LOGIN_ATTEMPTS_PER_MINUTE: '1000' };
    platforms.push(await startPlatform(shared, 'api'), await startPlatform(shared, 'worker'));
    restoreQueues = await snapshotQueues(platforms[0].dataSource);
  });
  afterAll(async () => {
    sockets.splice(0).forEach((socket) => socket.disconnect());
    await restoreQueues();
    await platforms[0].app.get(QueueChangeSignal).publish();
    for (const platform of platforms.reverse()) await platform?.close();
  });

  it('the worker offers the renamed topic at the next message, without restart', async () => {
    const [api] = platforms;
    await resetDatabase(api.dataSource);
    const adminAgent = await createAgent(api.dataSource, { role: 'admin', onShift: false });
    const token = await login(api.url, adminAgent.login, TEST_PASSWORD);
    const menu = async () => {
      const citizen = await connectCitizen(api.url);
      sockets.push(citizen.socket);
      await citizen.log.waitFor('session');
      await citizen.socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text: 'Bonjour' });
      return (await citizen.log.waitFor<CitizenMessageView>('message', (m) => MENU.test(m.text))).text;
    };
    expect(await menu()).toContain('5. Devenir gendarme (recrutement)'); // the worker has read the queues now

    const response = await fetch(`${api.url}/api/admin/queues/recruitment`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ nameFr: 'Rejoindre la gendarmerie (réserve, concours)' }),
    });
    expect(response.status).toBe(200);
    // Well within the catalogue's cache time: only the signal through Redis can have told the worker.
    expect(await menu()).toContain('5. Rejoindre la gendarmerie (réserve, concours)');
  });
});

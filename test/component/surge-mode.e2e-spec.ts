import type { CitizenMessageView, SurgeReinforcementEvent, SurgeView } from '@brigade/realtime';
import { LoopbackSmtpServer } from '@brigade/testing';
import { connectCitizen, connectDesk, login, newClientMessageId } from '../support/clients';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

const SURGE_WORDING = /beaucoup de demandes/;
const OFFER = /Laissez-nous un message.*\/contact\/\?lang=fr/s;

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** What every test of the file does with its own platform: the surge row cleared, no queue watched. */
async function resetSurge(platform: TestPlatform): Promise<void> {
  await resetDatabase(platform.dataSource);
  await platform.dataSource.query(`DELETE FROM platform_settings WHERE key IN ('surge', 'surge-published')`);
  await platform.dataSource.query(`UPDATE queues SET surge_wait_seconds = NULL`);
}

function helpers(platformOf: () => TestPlatform, sockets: { disconnect(): unknown }[]) {
  const db = () => platformOf().dataSource;
  const call = async <T>(token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${platformOf().url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json().catch(() => null)) as T };
  };
  async function signIn(role: 'agent' | 'supervisor' | 'admin', onShift = false, displayName?: string) {
    const agent = await createAgent(db(), { role, onShift, displayName });
    const token = await login(platformOf().url, agent.login, TEST_PASSWORD);
    return { agent, token };
  }
  async function citizenWrites(text: string) {
    const citizen = await connectCitizen(platformOf().url);
    sockets.push(citizen.socket);
    await citizen.log.waitFor('session');
    await citizen.socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text });
    return citizen;
  }
  /** Every system message the citizen received, in order, once at least `count` arrived. */
  async function systemTexts(citizen: Awaited<ReturnType<typeof citizenWrites>>, count: number): Promise<string[]> {
    const texts = () => citizen.log.all<CitizenMessageView>('message').filter((m) => m.author === 'system').map((m) => m.text);
    await waitUntil(async () => texts().length >= count);
    return texts();
  }
  return { db, call, signIn, citizenWrites, systemTexts };
}

describe('surge mode: the watch proposes, a supervisor applies and undoes, everything audited', () => {
  let platform: TestPlatform;
  const sockets: { disconnect(): unknown }[] = [];
  const { db, call, signIn, citizenWrites, systemTexts } = helpers(() => platform, sockets);

  beforeAll(async () => {
    platform = await startPlatform({ SURGE_CHECK_INTERVAL_MS: '300', SURGE_REINFORCEMENT_HOURS: '3', AUTH_LOGIN_ATTEMPTS_PER_MINUTE: '200' });
  });
  afterAll(async () => {
    await resetSurge(platform);
    await platform?.close();
  });
  beforeEach(() => resetSurge(platform));
  afterEach(() => {
    sockets.splice(0).forEach((socket) => socket.disconnect());
  });

  /** The general queue watched at 30 s, one gendarme on duty but away, a citizen waiting for a minute already. */
  async function waitsPastTheThreshold(adminToken: string) {
    expect((await call(adminToken, 'PATCH', '/api/admin/queues/general', { surgeWaitSeconds: 30 })).status).toBe(200);
    await createAgent(db(), { onShift: true, presence: 'away' });
    const waiting = await citizenWrites('Bonjour, j’ai une question');
    await waitUntil(async () => (await db().query(`SELECT count(*)::int AS n FROM conversations WHERE status = 'waiting'`))[0].n === 1);
    await db().query(`UPDATE conversations SET waiting_since = now() - interval '1 minute', queue = 'general'`);
    return waiting;
  }

  it('proposes surge mode live to the console once a queue waits past its threshold, with the reserve to call', async () => {
    const admin = await signIn('admin');
    const supervisor = await signIn('supervisor');
    const reserve = await signIn('agent', false, 'Adjudant Réserve');
    expect((await call(admin.token, 'PATCH', `/api/admin/agents/${reserve.agent.id}`, { reserve: true, email: 'reserve@brigade.test' })).body).toMatchObject({
      reserve: true,
      email: 'reserve@brigade.test',
    });
    const console = await connectDesk(platform.url, supervisor.token);
    sockets.push(console.socket);

    // Under the threshold: nothing is proposed.
    expect((await call<SurgeView>(supervisor.token, 'GET', '/api/supervisor/surge')).body).toMatchObject({ active: false, proposal: null });
    await waitsPastTheThreshold(admin.token);

    const pushed = await console.log.waitFor<SurgeView>('surge:status', (view) => view.proposal !== null, 30_000);
    expect(pushed.proposal!.triggers).toEqual([
      expect.objectContaining({ queue: 'general', measure: 'longest-wait', thresholdSeconds: 30, waiting: 1 }),
    ]);
    expect(pushed.proposal!.reinforcements).toBe(1);
    expect(pushed.reserve).toEqual([{ agentId: reserve.agent.id, displayName: 'Adjudant Réserve', onDuty: false, hasEmail: true }]);
    expect(pushed).toMatchObject({ active: false, autoApply: false, reinforcementHours: 3 });
    // Proposed, not applied: nothing changed for anyone.
    expect((await db().query(`SELECT duty_override FROM agents WHERE id = $1`, [reserve.agent.id]))[0].duty_override).toBeNull();
    const rest = (await call<SurgeView>(supervisor.token, 'GET', '/api/supervisor/surge')).body;
    expect(rest.proposal?.triggers[0].queue).toBe('general');
    // Agents do not see it.
    expect((await call(reserve.token, 'GET', '/api/supervisor/surge')).status).toBe(403);
  });

  it('apply puts the chosen reserve agents on duty and changes what citizens are told; undo restores both; both audited', async () => {
    const admin = await signIn('admin');
    const supervisor = await signIn('supervisor');
    const reserve = await signIn('agent', false, 'Gendarme Renfort');
    await call(admin.token, 'PATCH', `/api/admin/agents/${reserve.agent.id}`, { reserve: true });
    const reserveDesk = await connectDesk(platform.url, reserve.token);
    sockets.push(reserveDesk.socket);
    const alreadyWaiting = await waitsPastTheThreshold(admin.token);
    await waitUntil(async () => (await call<SurgeView>(supervisor.token, 'GET', '/api/supervisor/surge')).body.proposal !== null);
    expect((await systemTexts(alreadyWaiting, 1)).join('\n')).not.toMatch(SURGE_WORDING);

    const applied = await call<SurgeView>(supervisor.token, 'POST', '/api/supervisor/surge/apply', { reinforcements: [reserve.agent.id] });
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ active: true, proposal: null, applied: { byName: expect.any(String), automatic: false } });
    expect(applied.body.applied!.reinforcements).toEqual([{ agentId: reserve.agent.id, displayName: 'Gendarme Renfort', until: expect.any(String) }]);
    const until = new Date(applied.body.applied!.reinforcements[0].until).getTime();
    expect(until - Date.now()).toBeGreaterThan(2.9 * 3_600_000);
    expect(until - Date.now()).toBeLessThanOrEqual(3 * 3_600_000);

    // The reinforcement is on duty and told so on the desk.
    const called = await reserveDesk.log.waitFor<SurgeReinforcementEvent>('surge:reinforcement', () => true, 20_000);
    expect(called.until).toBe(applied.body.applied!.reinforcements[0].until);
    expect((await db().query(`SELECT duty_override FROM agents WHERE id = $1`, [reserve.agent.id]))[0].duty_override).toBe('on');
    // Once they set themselves available they take conversations: the one waiting comes to them.
    await reserveDesk.socket.emitWithAck('presence:set', { presence: 'available' });
    expect((await call<{ onDuty: boolean }>(reserve.token, 'GET', '/api/me')).body.onDuty).toBe(true);
    await reserveDesk.log.waitFor('conversation:assigned', () => true, 20_000);
    // Applying twice is refused.
    expect((await call(supervisor.token, 'POST', '/api/supervisor/surge/apply', {})).status).toBe(409);

    // The citizen already waiting is told the honest wait and offered to leave a message, once.
    const told = await alreadyWaiting.log.waitFor<CitizenMessageView>('message', (m) => m.author === 'system' && SURGE_WORDING.test(m.text));
    expect(told.text).toMatch(OFFER);
    const [{ n: offers }] = await db().query(`SELECT count(*)::int AS n FROM messages WHERE client_message_id LIKE 'surge-%'`);
    expect(offers).toBe(1);

    // A newcomer's recognised question is answered first, then the honest wait and the offer.
    const newcomer = await citizenWrites('Comment faire une procuration ?');
    await newcomer.log.waitFor<CitizenMessageView>('message', (m) => m.author === 'system' && /Pour mieux vous orienter/.test(m.text));
    const replies = await systemTexts(newcomer, 4);
    const assistant = replies.filter((text) => !/^Bonjour, votre message a bien été reçu/.test(text));
    expect(assistant[0]).toMatch(/^Faites votre demande de procuration/);
    expect(assistant[1]).toMatch(SURGE_WORDING);
    expect(assistant[2]).toMatch(OFFER);

    // Undo: the reinforcement goes back to the roster (off duty), newcomers hear the ordinary assistant again.
    const undone = await call<SurgeView>(supervisor.token, 'POST', '/api/supervisor/surge/undo');
    expect(undone.status).toBe(200);
    expect(undone.body).toMatchObject({ active: false, applied: null });
    expect((await db().query(`SELECT duty_override FROM agents WHERE id = $1`, [reserve.agent.id]))[0].duty_override).toBeNull();
    expect((await call<{ onDuty: boolean }>(reserve.token, 'GET', '/api/me')).body.onDuty).toBe(false);
    expect((await db().query(`SELECT value->>'enabled' AS enabled FROM platform_settings WHERE key = 'surge'`))[0].enabled).toBe('false');
    const calmNewcomer = await citizenWrites('Bonjour');
    await calmNewcomer.log.waitFor<CitizenMessageView>('message', (m) => m.author === 'system' && /Pour mieux vous orienter/.test(m.text));
    expect((await systemTexts(calmNewcomer, 1)).join('\n')).not.toMatch(SURGE_WORDING);
    expect((await call(supervisor.token, 'POST', '/api/supervisor/surge/undo')).status).toBe(409);

    const audit = await db().query(
      `SELECT action, actor_type, actor_id, details FROM audit_events WHERE action LIKE 'surge.%' ORDER BY id`,
    );
    expect(audit).toEqual([
      expect.objectContaining({ action: 'surge.apply', actor_type: 'agent', actor_id: supervisor.agent.id, details: expect.objectContaining({ reinforcements: [reserve.agent.id] }) }),
      expect.objectContaining({ action: 'surge.undo', actor_type: 'agent', actor_id: supervisor.agent.id, details: expect.objectContaining({ restored: [reserve.agent.id] }) }),
    ]);
  });

  it('refuses to call someone who is not on the reserve list', async () => {
    const supervisor = await signIn('supervisor');
    const ordinary = await signIn('agent');
    const refused = await call(supervisor.token, 'POST', '/api/supervisor/surge/apply', { reinforcements: [ordinary.agent.id] });
    expect(refused.status).toBe(400);
    expect((await db().query(`SELECT value FROM platform_settings WHERE key = 'surge'`))[0]?.value?.enabled ?? false).toBe(false);
  });
});

describe('surge mode applied automatically by configuration', () => {
  let platform: TestPlatform;
  let smtp: LoopbackSmtpServer;
  const sockets: { disconnect(): unknown }[] = [];
  const { db, call, signIn, citizenWrites } = helpers(() => platform, sockets);

  beforeAll(async () => {
    smtp = await LoopbackSmtpServer.start();
    platform = await startPlatform({
      SURGE_AUTO_APPLY: 'true',
      SURGE_CHECK_INTERVAL_MS: '300',
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      MAIL_FROM: 'Brigade numérique <ne-pas-repondre@brigade.test>',
      AUTH_LOGIN_ATTEMPTS_PER_MINUTE: '200',
    });
  });
  afterAll(async () => {
    await resetSurge(platform);
    sockets.splice(0).forEach((socket) => socket.disconnect());
    await platform?.close();
    await smtp.close();
  });

  it('applies itself, calls the reserve by desk and e-mail, says so in the console, and a supervisor undo stands', async () => {
    await resetSurge(platform);
    const admin = await signIn('admin');
    const supervisor = await signIn('supervisor');
    const reserve = await signIn('agent', false, 'Maréchal des logis Appel');
    await call(admin.token, 'PATCH', `/api/admin/agents/${reserve.agent.id}`, { reserve: true, email: 'appel@brigade.test' });
    const console = await connectDesk(platform.url, supervisor.token);
    sockets.push(console.socket);
    expect((await call(admin.token, 'PATCH', '/api/admin/queues/general', { surgeWaitSeconds: 600 })).status).toBe(200);
    // Nobody on duty at all and a citizen waiting: no estimate exists, the watch proposes at once.
    await citizenWrites('Bonjour, une question');

    const applied = await console.log.waitFor<SurgeView>('surge:status', (view) => view.active, 30_000)
    expect(applied).toMatchObject({ autoApply: true, applied: { automatic: true, byName: 'Application automatique' } });
    expect(applied.applied!.triggers[0]).toMatchObject({ queue: 'general', measure: 'nobody-on-duty' });
    expect(applied.applied!.reinforcements.map((r) => r.agentId)).toEqual([reserve.agent.id]);
    const [mail] = await smtp.waitFor((m) => m.envelopeTo.includes('appel@brigade.test'));
    expect(mail.parsed.subject).toMatch(/Renfort/);
    expect(mail.parsed.text).toMatch(/mis en service/);
    const [auto] = await db().query(`SELECT actor_type, actor_id FROM audit_events WHERE action = 'surge.auto-apply'`);
    expect(auto).toEqual({ actor_type: 'system', actor_id: null });

    // The supervisor undoes it: the watch still sees the wait but does not apply it again over their decision.
    expect((await call(supervisor.token, 'POST', '/api/supervisor/surge/undo')).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const view = (await call<SurgeView>(supervisor.token, 'GET', '/api/supervisor/surge')).body;
    expect(view.active).toBe(false);
    expect(view.proposal?.triggers[0]).toMatchObject({ queue: 'general', measure: 'nobody-on-duty' });
    expect((await db().query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'surge.auto-apply'`))[0].n).toBe(1);
  });
});

describe('surge mode watched by several workers', () => {
  const platforms: TestPlatform[] = [];
  const sockets: { disconnect(): unknown }[] = [];
  const { db, call, signIn, citizenWrites } = helpers(() => platforms[0], sockets);

  beforeAll(async () => {
    // One API and two workers sharing the database and the queue prefix, as a deployment runs them.
    const shared = { QUEUE_PREFIX: `test-surge-${Date.now()}`, SURGE_CHECK_INTERVAL_MS: '200', AUTH_LOGIN_ATTEMPTS_PER_MINUTE: '200' };
    platforms.push(await startPlatform(shared, 'api'), await startPlatform(shared, 'worker'), await startPlatform(shared, 'worker'));
  }, 120_000);
  afterAll(async () => {
    sockets.splice(0).forEach((socket) => socket.disconnect());
    if (platforms[0]) await resetSurge(platforms[0]);
    await Promise.all(platforms.map((platform) => platform.close()));
  });

  it('pushes each change of the proposal to a supervisor once, not once per worker', async () => {
    await resetSurge(platforms[0]);
    const admin = await signIn('admin');
    const supervisor = await signIn('supervisor');
    const console = await connectDesk(platforms[0].url, supervisor.token);
    sockets.push(console.socket);
    expect((await call(admin.token, 'PATCH', '/api/admin/queues/general', { surgeWaitSeconds: 600 })).status).toBe(200);
    // Nobody on duty and a citizen waiting: both workers' watches reach the same proposal.
    await citizenWrites('Bonjour, une question');
    await console.log.waitFor<SurgeView>('surge:status', (view) => view.proposal !== null, 30_000);
    // Both watches have run many rounds since (every 200 ms): still one push of that proposal.
    await waitUntil(
      async () => (await db().query(`SELECT updated_at < now() - interval '2 seconds' AS settled FROM platform_settings WHERE key = 'surge-published'`))[0]?.settled === true,
      30_000,
    );
    const proposals = console.log.all<SurgeView>('surge:status').filter((view) => view.proposal !== null);
    expect(proposals).toHaveLength(1);
  });
});

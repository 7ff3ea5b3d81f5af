import type {
  AgentLoadView,
  ColleagueView,
  QueueLoadView,
  ReportView,
  RosterView,
} from '@brigade/reporting';
import { Shift } from '@brigade/agents';
import { connectCitizen, connectDesk, login, newClientMessageId } from '../support/clients';
import { AgentSpec, TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

type Ack<T> = { ok: true; data: T } | { ok: false; error: string; status: number };

/** The supervisor console's routes: live queue load, agents, roster, reports and CSV, refused to plain agents. */
describe('supervisor console API', () => {
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

  function get(token: string | undefined, path: string) {
    return fetch(`${platform.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  }

  async function signedIn(spec: AgentSpec = {}) {
    const agent = await createAgent(platform.dataSource, spec);
    return { agent, token: await login(platform.url, agent.login, TEST_PASSWORD) };
  }

  async function citizenWrites(text: string) {
    const connection = await connectCitizen(platform.url);
    sockets.push(connection.socket);
    await connection.log.waitFor('session');
    const ack = (await connection.socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text })) as Ack<unknown>;
    expect(ack.ok).toBe(true);
  }

  async function waitForRows(sql: string, count: number) {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const [{ n }] = await platform.dataSource.query(sql);
      if (n === count) return;
      if (Date.now() > deadline) throw new Error(`expected ${count} rows for ${sql}, got ${n}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  const SUPERVISOR_ROUTES = [
    '/api/supervisor/queue',
    '/api/supervisor/agents',
    '/api/supervisor/roster',
    '/api/reports?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z',
    '/api/reports.csv?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z',
  ];

  it('refuses every supervisor route to a plain agent (403) and to a caller without a token (401)', async () => {
    const { token } = await signedIn({ role: 'agent' });
    for (const route of SUPERVISOR_ROUTES) {
      expect([route, (await get(token, route)).status]).toEqual([route, 403]);
      expect([route, (await get(undefined, route)).status]).toEqual([route, 401]);
    }
    const admin = await signedIn({ role: 'admin' });
    for (const route of SUPERVISOR_ROUTES) expect([route, (await get(admin.token, route)).status]).toEqual([route, 200]);
  });

  it('shows waiting conversations per queue, channel and priority, the longest wait, breaches and abandonment', async () => {
    const { token } = await signedIn({ role: 'supervisor' });
    const empty = (await (await get(token, '/api/supervisor/queue')).json()) as QueueLoadView;
    expect(empty).toMatchObject({ waiting: 0, assigned: 0, longestWaitSeconds: 0, buckets: [], open: [] });

    // No agent is available: both conversations wait.
    await citizenWrites('Bonjour');
    await citizenWrites('On m’a volé ma voiture');
    // Triaged (the assistant's state written), so that triage does not file one in a topic queue after the update below.
    await waitForRows(`SELECT count(*)::int AS n FROM conversations WHERE status = 'waiting' AND triage_state <> '{}'::jsonb`, 2);
    // Triage may file a message in a topic queue; the queue and priority are set here so the figures are known.
    await platform.dataSource.query(`UPDATE conversations SET queue = 'general', priority = 2`);
    const [first] = await platform.dataSource.query(`SELECT id FROM conversations ORDER BY created_at LIMIT 1`);
    await platform.dataSource.query(
      `UPDATE conversations SET waiting_since = now() - interval '10 minutes', priority = 1 WHERE id = $1`,
      [first.id],
    );
    // One conversation abandoned today, one closed today.
    await citizenWrites('Finalement je pars');
    await waitForRows(`SELECT count(*)::int AS n FROM conversations`, 3);
    await platform.dataSource.query(
      `UPDATE conversations SET status = 'abandoned', closed_at = now()
        WHERE id = (SELECT id FROM conversations ORDER BY created_at DESC LIMIT 1)`,
    );

    const load = (await (await get(token, '/api/supervisor/queue?waitThresholdSeconds=300')).json()) as QueueLoadView;
    expect(load.waiting).toBe(2);
    expect(load.buckets).toEqual([
      expect.objectContaining({ queue: 'general', channel: 'webchat', priority: 1, waiting: 1 }),
      expect.objectContaining({ queue: 'general', channel: 'webchat', priority: 2, waiting: 1 }),
    ]);
    expect(load.longestWaitSeconds).toBeGreaterThanOrEqual(600);
    expect(load.longestWaitSeconds).toBeLessThan(700);
    expect(load.breaches).toMatchObject({ waiting: 1, unanswered: 0, waitThresholdSeconds: 300 });
    expect(load.abandonedToday).toBe(1);
    expect(load.open.map((c) => c.id)[0]).toBe(first.id);
    expect(load.open.every((c) => c.status === 'waiting')).toBe(true);
    expect(load.waitDistribution.map((b) => b.count)).toEqual([1, 0, 1, 0, 0]);
    expect(load.hourly).toHaveLength(12);
    expect(load.hourly.at(-1)?.arrivals).toBeGreaterThanOrEqual(1);
    expect(load.hourly.reduce((sum, hour) => sum + hour.arrivals, 0)).toBe(3);
    expect((await get(token, '/api/supervisor/queue?waitThresholdSeconds=abc')).status).toBe(400);
  });

  it('lists agents with presence, duty, load over capacity and idle time, and colleagues for a transfer', async () => {
    const supervisor = await signedIn({ role: 'supervisor', onShift: false });
    const busy = await signedIn({ displayName: 'Gendarme Alpha', capacity: 3 });
    await signedIn({ displayName: 'Gendarme Bravo', onShift: false });
    const desk = await connectDesk(platform.url, busy.token);
    sockets.push(desk.socket);
    expect(((await desk.socket.emitWithAck('presence:set', { presence: 'available' })) as Ack<unknown>).ok).toBe(true);
    await citizenWrites('Bonjour');
    await desk.log.waitFor('conversation:assigned');

    const agents = (await (await get(supervisor.token, '/api/supervisor/agents')).json()) as AgentLoadView[];
    const alpha = agents.find((a) => a.displayName === 'Gendarme Alpha');
    const bravo = agents.find((a) => a.displayName === 'Gendarme Bravo');
    expect(alpha).toMatchObject({ presence: 'available', onShift: true, onDuty: true, load: 1, capacity: 3 });
    expect(alpha?.idleSeconds).toBeGreaterThanOrEqual(0);
    expect(alpha?.idleSeconds).toBeLessThan(60);
    expect(bravo).toMatchObject({ presence: 'offline', onShift: false, onDuty: false, load: 0, idleSeconds: null });

    // An agent sees the colleagues on duty (not themself) to choose a transfer target.
    const other = await signedIn({ displayName: 'Gendarme Charlie' });
    const otherDesk = await connectDesk(platform.url, other.token);
    sockets.push(otherDesk.socket);
    await otherDesk.socket.emitWithAck('presence:set', { presence: 'available' });
    const colleagues = (await (await get(busy.token, '/api/desk/colleagues')).json()) as ColleagueView[];
    expect(colleagues.map((c) => c.displayName)).toEqual(['Gendarme Charlie']);
    expect(Object.keys(colleagues[0]).sort()).toEqual(['capacity', 'displayName', 'id', 'load', 'onDuty', 'presence']);
    expect((await get(undefined, '/api/desk/colleagues')).status).toBe(401);
  });

  it('shows today’s and tomorrow’s roster, a shift spanning both appearing on both days', async () => {
    const { token } = await signedIn({ role: 'supervisor', onShift: false });
    const night = await createAgent(platform.dataSource, { displayName: 'Gendarme Nuit', onShift: false });
    const later = await createAgent(platform.dataSource, { displayName: 'Gendarme Plus Tard', onShift: false });
    const [{ start }] = await platform.dataSource.query(
      `SELECT (date_trunc('day', now() AT TIME ZONE 'Europe/Paris') AT TIME ZONE 'Europe/Paris') AS start`,
    );
    const day = new Date(start).getTime();
    const hours = (h: number) => new Date(day + h * 3600_000);
    await platform.dataSource.getRepository(Shift).insert([
      { agentId: night.id, startsAt: hours(20), endsAt: hours(32) },
      { agentId: later.id, startsAt: hours(56), endsAt: hours(60) },
    ]);
    const roster = (await (await get(token, '/api/supervisor/roster')).json()) as RosterView;
    expect(roster.today.map((s) => s.displayName)).toEqual(['Gendarme Nuit']);
    expect(roster.tomorrow.map((s) => s.displayName)).toEqual(['Gendarme Nuit']);
    expect(roster.today[0]).toMatchObject({ agentId: night.id, startsAt: hours(20).toISOString() });
  });

  it('reports volumes per channel and queue, first-response and handling times, abandonment, as JSON and CSV', async () => {
    const { token } = await signedIn({ role: 'supervisor' });
    for (const text of ['un', 'deux', 'trois']) await citizenWrites(text);
    // Triaged (the assistant's state written) before the figures are set below, so that triage does not overwrite them.
    await waitForRows(`SELECT count(*)::int AS n FROM conversations WHERE triage_state <> '{}'::jsonb`, 3);
    const ids: { id: string }[] = await platform.dataSource.query(`SELECT id FROM conversations ORDER BY created_at`);
    await platform.dataSource.query(`UPDATE conversations SET queue = 'general', priority = 2`);
    const base = '2026-03-10T08:00:00Z';
    // Answered in 60 s, handled for 10 minutes, closed; answered in 120 s, still open (queue "violence"); abandoned.
    await platform.dataSource.query(
      `UPDATE conversations SET created_at = $2::timestamptz, assigned_at = $2::timestamptz + interval '30 seconds',
              first_agent_reply_at = $2::timestamptz + interval '60 seconds',
              closed_at = $2::timestamptz + interval '630 seconds', status = 'closed' WHERE id = $1`,
      [ids[0].id, base],
    );
    await platform.dataSource.query(
      `UPDATE conversations SET created_at = $2::timestamptz, first_agent_reply_at = $2::timestamptz + interval '120 seconds',
              queue = 'violence' WHERE id = $1`,
      [ids[1].id, base],
    );
    await platform.dataSource.query(
      `UPDATE conversations SET created_at = $2::timestamptz, status = 'abandoned' WHERE id = $1`,
      [ids[2].id, base],
    );
    const period = 'from=2026-03-10T00:00:00Z&to=2026-03-11T00:00:00Z';
    const response = await get(token, `/api/reports?${period}`);
    expect(response.status).toBe(200);
    const report = (await response.json()) as ReportView;
    expect(report.rows).toEqual([
      {
        channel: 'webchat',
        queue: 'general',
        conversations: 2,
        answered: 1,
        abandoned: 1,
        closed: 1,
        avgFirstResponseSeconds: 60,
        avgHandlingSeconds: 600,
      },
      {
        channel: 'webchat',
        queue: 'violence',
        conversations: 1,
        answered: 1,
        abandoned: 0,
        closed: 0,
        avgFirstResponseSeconds: 120,
        avgHandlingSeconds: null,
      },
    ]);
    expect(report.totals).toEqual({
      conversations: 3,
      answered: 2,
      abandoned: 1,
      closed: 1,
      avgFirstResponseSeconds: 90,
      avgHandlingSeconds: 600,
      abandonmentRate: 1 / 3,
    });
    const outside = (await (await get(token, '/api/reports?from=2026-03-11T00:00:00Z&to=2026-03-12T00:00:00Z')).json()) as ReportView;
    expect(outside.totals.conversations).toBe(0);

    const csv = await get(token, `/api/reports.csv?${period}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toContain('attachment');
    expect((await csv.text()).split('\r\n')).toEqual([
      'channel,queue,conversations,answered,abandoned,closed,avg_first_response_s,avg_handling_s',
      'webchat,general,2,1,1,1,60,600',
      'webchat,violence,1,1,0,0,120,',
      'total,,3,2,1,1,90,600',
      '',
    ]);

    expect((await get(token, '/api/reports?from=2026-03-11T00:00:00Z&to=2026-03-10T00:00:00Z')).status).toBe(400);
    expect((await get(token, '/api/reports?from=yesterday&to=2026-03-10T00:00:00Z')).status).toBe(400);
    expect((await get(token, '/api/reports?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z')).status).toBe(400);
  });
});

import { randomUUID } from 'node:crypto';
import type { AgentTimelinesView, HistoryView, QueueHistoryView } from '@brigade/reporting';
import { RetentionService } from '@brigade/privacy';
import { login } from '../support/clients';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

const MINUTE = 60_000;
const at = (iso: string) => new Date(iso);

/**
 * The console's history: per-queue charts of the last 24 hours in the interface's zone (Europe/Paris here, across the
 * night clocks go back), and the agents' state timeline from the stored state changes.
 */
describe('supervisor console history', () => {
  let platform: TestPlatform;
  let supervisorToken: string;
  let agentToken: string;
  let savedThresholds: { key: string; sla_wait_seconds: number; email_sla_hours: number | null }[];

  beforeAll(async () => {
    platform = await startPlatform({ ROSTER_TIME_ZONE: 'Europe/Paris', AUTH_LOGIN_ATTEMPTS_PER_MINUTE: '1000' });
    savedThresholds = await platform.dataSource.query(`SELECT key, sla_wait_seconds, email_sla_hours FROM queues`);
  }, 120_000);
  afterAll(async () => {
    if (platform && savedThresholds) {
      for (const row of savedThresholds) {
        await platform.dataSource.query(`UPDATE queues SET sla_wait_seconds = $2, email_sla_hours = $3 WHERE key = $1`, [
          row.key,
          row.sla_wait_seconds,
          row.email_sla_hours,
        ]);
      }
    }
    await platform?.close();
  });
  beforeEach(async () => {
    await resetDatabase(platform.dataSource);
    const supervisor = await createAgent(platform.dataSource, { role: 'supervisor', onShift: false });
    supervisorToken = await login(platform.url, supervisor.login, TEST_PASSWORD);
    const agent = await createAgent(platform.dataSource, { role: 'agent', onShift: false });
    agentToken = await login(platform.url, agent.login, TEST_PASSWORD);
  });

  function get(token: string | undefined, path: string) {
    return fetch(`${platform.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  }

  async function getJson<T>(path: string): Promise<T> {
    const response = await get(supervisorToken, path);
    expect([path, response.status]).toEqual([path, 200]);
    return (await response.json()) as T;
  }

  /** A conversation that arrived at `createdAt`, first taken `takenAfterSeconds` later (never when null). */
  async function seedConversation(options: {
    queue: string;
    createdAt: Date;
    status: 'waiting' | 'assigned' | 'closed' | 'abandoned';
    takenAfterSeconds: number | null;
    agentId?: string;
    channel?: string;
  }): Promise<string> {
    const channel = options.channel ?? 'webchat';
    const [contact] = await platform.dataSource.query(`INSERT INTO contacts (display_name, pseudonym) VALUES ('Camille', 'Héron Calme 7') RETURNING id`);
    const [identity] = await platform.dataSource.query(
      `INSERT INTO channel_identities (contact_id, channel, external_id) VALUES ($1, $2, $3) RETURNING id`,
      [contact.id, channel, `history-${randomUUID()}`],
    );
    const [conversation] = await platform.dataSource.query(
      `INSERT INTO conversations (contact_id, identity_id, channel, status, queue, created_at, waiting_since, closed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6, CASE WHEN $4 IN ('closed', 'abandoned') THEN $6::timestamptz + interval '1 hour' END)
       RETURNING id`,
      [contact.id, identity.id, channel, options.status, options.queue, options.createdAt],
    );
    if (options.takenAfterSeconds !== null) {
      await platform.dataSource.query(
        `INSERT INTO assignments (conversation_id, agent_id, reason, assigned_at, ended_at)
         VALUES ($1, $2, 'auto', $3::timestamptz + make_interval(secs => $4), $3::timestamptz + interval '1 hour')`,
        [conversation.id, options.agentId, options.createdAt, options.takenAfterSeconds],
      );
    }
    return conversation.id;
  }

  const queueOf = (view: HistoryView, key: string): QueueHistoryView => {
    const found = view.queues.find((queue) => queue.queue === key);
    if (!found) throw new Error(`no queue ${key} in ${view.queues.map((queue) => queue.queue).join(', ')}`);
    return found;
  };

  it('refuses the history and the timeline to a plain agent (403) and to a caller without a token (401)', async () => {
    for (const path of ['/api/supervisor/history', '/api/supervisor/agent-timeline']) {
      expect([path, (await get(agentToken, path)).status]).toEqual([path, 403]);
      expect([path, (await get(undefined, path)).status]).toEqual([path, 401]);
      expect([path, (await get(supervisorToken, path)).status]).toEqual([path, 200]);
    }
    expect((await get(supervisorToken, '/api/supervisor/history?bucketMinutes=7')).status).toBe(400);
    expect((await get(supervisorToken, '/api/supervisor/agent-timeline?hours=25')).status).toBe(400);
  });

  it('counts arrivals, waits and service level per queue and per local hour, the repeated hour of the clock change twice', async () => {
    await platform.dataSource.query(`UPDATE queues SET sla_wait_seconds = 120 WHERE key = 'general'`);
    await platform.dataSource.query(`UPDATE queues SET email_sla_hours = 24 WHERE key = 'general'`);
    const gendarme = await createAgent(platform.dataSource, { onShift: false });
    const agentId = gendarme.id;
    // 25 October 2026: Paris goes from 03:00 CEST back to 02:00 CET at 01:00 UTC.
    await seedConversation({ queue: 'general', createdAt: at('2026-10-25T00:30:00Z'), status: 'closed', takenAfterSeconds: 60, agentId }); // 02:30 CEST
    await seedConversation({ queue: 'general', createdAt: at('2026-10-25T01:20:00Z'), status: 'closed', takenAfterSeconds: 300, agentId }); // 02:20 CET
    await seedConversation({ queue: 'general', createdAt: at('2026-10-25T01:40:00Z'), status: 'abandoned', takenAfterSeconds: null }); // 02:40 CET
    // Closed by the assistant, never waiting for a gendarme: an arrival, outside the service level.
    await seedConversation({ queue: 'violence', createdAt: at('2026-10-25T01:50:00Z'), status: 'closed', takenAfterSeconds: null });
    // A contact-form message is answered within the queue's e-mail delay (24 h), not its chat threshold.
    await seedConversation({ queue: 'general', channel: 'email', createdAt: at('2026-10-25T05:00:00Z'), status: 'closed', takenAfterSeconds: 7200, agentId });
    // 23:59 in Paris on the 24th: in the window, not today.
    await seedConversation({ queue: 'general', createdAt: at('2026-10-24T21:59:00Z'), status: 'closed', takenAfterSeconds: 30, agentId });
    // 08:59 in Paris on the 24th: before the window's first hour (09:00 CEST).
    await seedConversation({ queue: 'general', createdAt: at('2026-10-24T06:59:00Z'), status: 'closed', takenAfterSeconds: 30, agentId });

    const view = await getJson<HistoryView>('/api/supervisor/history?until=2026-10-25T06:10:00Z');

    expect(view).toMatchObject({ from: '2026-10-24T07:00:00.000Z', to: '2026-10-25T07:00:00.000Z', timeZone: 'Europe/Paris', bucketMinutes: 60 });
    const general = queueOf(view, 'general');
    expect(general.buckets).toHaveLength(24);
    expect(general.buckets[0]).toMatchObject({ start: '2026-10-24T07:00:00.000Z', local: '2026-10-24T09:00' });
    expect(general.buckets[23]).toMatchObject({ start: '2026-10-25T06:00:00.000Z', local: '2026-10-25T07:00' });
    const twoOClock = general.buckets.filter((bucket) => bucket.local === '2026-10-25T02:00');
    expect(twoOClock.map((bucket) => bucket.start)).toEqual(['2026-10-25T00:00:00.000Z', '2026-10-25T01:00:00.000Z']);
    expect(twoOClock[0]).toMatchObject({ arrivals: 1, taken: 1, medianWaitSeconds: 60, p90WaitSeconds: 60, withinThreshold: 1, counted: 1, serviceLevel: 1 });
    expect(twoOClock[1]).toMatchObject({ arrivals: 2, taken: 1, medianWaitSeconds: 300, p90WaitSeconds: 300, withinThreshold: 0, counted: 2, serviceLevel: 0 });
    expect(general.buckets.find((bucket) => bucket.local === '2026-10-24T23:00')).toMatchObject({ arrivals: 1, serviceLevel: 1 });
    expect(general.buckets.find((bucket) => bucket.local === '2026-10-25T06:00')).toMatchObject({
      arrivals: 1,
      medianWaitSeconds: 7200,
      serviceLevel: 1,
    });
    expect(general.buckets.reduce((sum, bucket) => sum + bucket.arrivals, 0)).toBe(5);
    // Today in Paris began at 22:00 UTC: the 23:59 arrival of the 24th is not part of it.
    expect(general.today).toEqual({ arrivals: 4, withinThreshold: 2, counted: 4, serviceLevel: 0.5 });

    const violence = queueOf(view, 'violence');
    expect(violence.buckets[18]).toMatchObject({ local: '2026-10-25T02:00', arrivals: 1, taken: 0, medianWaitSeconds: null, counted: 0, serviceLevel: null });
    const all = queueOf(view, '*');
    expect(view.queues[0].queue).toBe('*');
    expect(all.buckets[18]).toMatchObject({ arrivals: 3, counted: 2, withinThreshold: 0 });
    expect(all.today).toEqual({ arrivals: 5, withinThreshold: 2, counted: 4, serviceLevel: 0.5 });

    // Quarter-hour slots: 96 of them, each starting on a quarter of Paris's clock.
    const quarters = await getJson<HistoryView>('/api/supervisor/history?until=2026-10-25T06:10:00Z&bucketMinutes=15');
    const generalQuarters = queueOf(quarters, 'general').buckets;
    expect(generalQuarters).toHaveLength(96);
    expect(generalQuarters[95]).toMatchObject({ start: '2026-10-25T06:00:00.000Z', local: '2026-10-25T07:00' });
    expect(generalQuarters.find((bucket) => bucket.start === '2026-10-25T00:30:00.000Z')).toMatchObject({ local: '2026-10-25T02:30', arrivals: 1 });
  });

  it('skips the hour the clocks go forward, and keeps whole hours of a half-hour zone (+05:30)', async () => {
    const gendarme = await createAgent(platform.dataSource, { onShift: false });
    // 29 March 2026: Paris goes from 02:00 CET to 03:00 CEST at 01:00 UTC.
    await seedConversation({ queue: 'general', createdAt: at('2026-03-29T00:50:00Z'), status: 'closed', takenAfterSeconds: 10, agentId: gendarme.id }); // 01:50 CET
    await seedConversation({ queue: 'general', createdAt: at('2026-03-29T01:05:00Z'), status: 'closed', takenAfterSeconds: 10, agentId: gendarme.id }); // 03:05 CEST
    const spring = await getJson<HistoryView>('/api/supervisor/history?until=2026-03-29T03:10:00Z');
    const labels = queueOf(spring, 'general').buckets.map((bucket) => bucket.local);
    expect(labels).toHaveLength(24);
    expect(labels).not.toContain('2026-03-29T02:00');
    const one = labels.indexOf('2026-03-29T01:00');
    expect(labels[one + 1]).toBe('2026-03-29T03:00');
    expect(queueOf(spring, 'general').buckets.slice(one, one + 2).map((bucket) => bucket.arrivals)).toEqual([1, 1]);
    // The local day began at 23:00 UTC (midnight CET).
    expect(queueOf(spring, 'general').today.arrivals).toBe(2);

    // The same rows seen from a deployment in India: slots start at hh:30 UTC, on whole hours of +05:30.
    const india = await startPlatform({ ROSTER_TIME_ZONE: 'Asia/Kolkata', AUTH_LOGIN_ATTEMPTS_PER_MINUTE: '1000' }, 'api');
    try {
      await seedConversation({ queue: 'general', createdAt: at('2026-11-30T18:20:00Z'), status: 'closed', takenAfterSeconds: 10, agentId: gendarme.id }); // 23:50 on the 30th
      await seedConversation({ queue: 'general', createdAt: at('2026-11-30T18:40:00Z'), status: 'closed', takenAfterSeconds: 10, agentId: gendarme.id }); // 00:10 on the 1st
      await seedConversation({ queue: 'general', createdAt: at('2026-12-01T09:20:00Z'), status: 'closed', takenAfterSeconds: 10, agentId: gendarme.id }); // 14:50
      const response = await fetch(`${india.url}/api/supervisor/history?until=2026-12-01T10:10:00Z`, {
        headers: { authorization: `Bearer ${supervisorToken}` },
      });
      expect(response.status).toBe(200);
      const view = (await response.json()) as HistoryView;
      expect(view).toMatchObject({ from: '2026-11-30T10:30:00.000Z', to: '2026-12-01T10:30:00.000Z', timeZone: 'Asia/Kolkata' });
      const buckets = queueOf(view, 'general').buckets;
      expect(buckets[23]).toMatchObject({ start: '2026-12-01T09:30:00.000Z', local: '2026-12-01T15:00' });
      expect(buckets.find((bucket) => bucket.local === '2026-12-01T14:00')).toMatchObject({ start: '2026-12-01T08:30:00.000Z', arrivals: 1 });
      expect(buckets.find((bucket) => bucket.local === '2026-11-30T23:00')).toMatchObject({ arrivals: 1 });
      expect(buckets.find((bucket) => bucket.local === '2026-12-01T00:00')).toMatchObject({ arrivals: 1 });
      expect(queueOf(view, 'general').today.arrivals).toBe(2);
    } finally {
      await india.close();
    }
  });

  it('draws each agent’s states and duty from the stored changes, and records a change whoever makes it', async () => {
    const gendarme = await createAgent(platform.dataSource, { displayName: 'Adjudant Martin', onShift: false });
    const change = (iso: string, presence: string, busy: boolean, dutyOverride: string | null = null) =>
      platform.dataSource.query(
        `INSERT INTO agent_state_changes (agent_id, at, presence, busy, duty_override, active) VALUES ($1, $2, $3, $4, $5, true)`,
        [gendarme.id, at(iso), presence, busy, dutyOverride],
      );
    await platform.dataSource.query(`DELETE FROM agent_state_changes WHERE agent_id = $1`, [gendarme.id]);
    await change('2026-10-24T10:00:00Z', 'offline', false);
    await change('2026-10-24T20:00:00Z', 'available', false);
    await change('2026-10-24T21:00:00Z', 'available', true);
    await change('2026-10-24T22:00:00Z', 'away', true);
    await change('2026-10-24T23:00:00Z', 'offline', false);
    await change('2026-10-25T05:00:00Z', 'available', false, 'on');
    await platform.dataSource.query(`INSERT INTO shifts (agent_id, starts_at, ends_at) VALUES ($1, $2, $3)`, [
      gendarme.id,
      at('2026-10-24T19:00:00Z'),
      at('2026-10-25T01:00:00Z'),
    ]);

    const view = await getJson<AgentTimelinesView>('/api/supervisor/agent-timeline?until=2026-10-25T06:10:00Z&hours=12');

    expect(view).toMatchObject({ from: '2026-10-24T18:10:00.000Z', to: '2026-10-25T06:10:00.000Z' });
    const timeline = view.agents.find((agent) => agent.agentId === gendarme.id);
    expect(timeline?.displayName).toBe('Adjudant Martin');
    expect(timeline?.states).toEqual([
      { state: 'offline', from: '2026-10-24T18:10:00.000Z', to: '2026-10-24T20:00:00.000Z' },
      { state: 'available', from: '2026-10-24T20:00:00.000Z', to: '2026-10-24T21:00:00.000Z' },
      { state: 'busy', from: '2026-10-24T21:00:00.000Z', to: '2026-10-24T22:00:00.000Z' },
      { state: 'away', from: '2026-10-24T22:00:00.000Z', to: '2026-10-24T23:00:00.000Z' },
      { state: 'offline', from: '2026-10-24T23:00:00.000Z', to: '2026-10-25T05:00:00.000Z' },
      { state: 'available', from: '2026-10-25T05:00:00.000Z', to: '2026-10-25T06:10:00.000Z' },
    ]);
    expect(timeline?.duty).toEqual([
      { from: '2026-10-24T19:00:00.000Z', to: '2026-10-25T01:00:00.000Z' },
      { from: '2026-10-25T05:00:00.000Z', to: '2026-10-25T06:10:00.000Z' },
    ]);

    // Live: the gendarme's own presence change over the API and an assignment written by anyone land in the history.
    const token = await login(platform.url, gendarme.login, TEST_PASSWORD);
    const response = await fetch(`${platform.url}/api/me/presence`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ presence: 'away' }),
    });
    expect(response.status).toBe(200);
    const conversationId = await seedConversation({ queue: 'general', createdAt: new Date(), status: 'waiting', takenAfterSeconds: null });
    await platform.dataSource.query(`UPDATE agents SET presence = 'available' WHERE id = $1`, [gendarme.id]);
    await platform.dataSource.query(`UPDATE conversations SET status = 'assigned', assignee_id = $2, assigned_at = now() WHERE id = $1`, [
      conversationId,
      gendarme.id,
    ]);
    const recorded: { presence: string; busy: boolean }[] = await platform.dataSource.query(
      `SELECT presence, busy FROM agent_state_changes WHERE agent_id = $1 AND at > $2 ORDER BY at, id`,
      [gendarme.id, at('2026-10-26T00:00:00Z')],
    );
    expect(recorded).toEqual([
      { presence: 'away', busy: false },
      { presence: 'available', busy: false },
      { presence: 'available', busy: true },
    ]);
    const live = await getJson<AgentTimelinesView>('/api/supervisor/agent-timeline?hours=1');
    const now = live.agents.find((agent) => agent.agentId === gendarme.id);
    expect(now?.states.at(-1)?.state).toBe('busy');
    expect(new Date(now?.states.at(-1)?.to ?? 0).getTime()).toBeGreaterThan(Date.now() - 5 * MINUTE);
  });

  it('deletes state changes past AGENT_STATE_RETENTION_DAYS, keeping each agent’s current state', async () => {
    const gendarme = await createAgent(platform.dataSource, { onShift: false });
    await platform.dataSource.query(`DELETE FROM agent_state_changes WHERE agent_id = $1`, [gendarme.id]);
    const days = platform.config.retention.agentStateDays;
    for (const [daysAgo, presence] of [
      [days + 30, 'available'],
      [days + 20, 'away'],
      [days + 10, 'offline'],
    ] as const) {
      await platform.dataSource.query(
        `INSERT INTO agent_state_changes (agent_id, at, presence, busy, active) VALUES ($1, now() - make_interval(days => $2::int), $3, false, true)`,
        [gendarme.id, daysAgo, presence],
      );
    }
    const quiet = await createAgent(platform.dataSource, { onShift: false });

    const report = await platform.app.get(RetentionService).purgeExpired();

    expect(report.agentStateChanges).toBe(2);
    const left: { presence: string }[] = await platform.dataSource.query(`SELECT presence FROM agent_state_changes WHERE agent_id = $1`, [
      gendarme.id,
    ]);
    expect(left).toEqual([{ presence: 'offline' }]);
    const [{ n }] = await platform.dataSource.query(`SELECT count(*)::int AS n FROM agent_state_changes WHERE agent_id = $1`, [quiet.id]);
    expect(n).toBe(1);
  });
});

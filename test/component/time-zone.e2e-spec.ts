import { Shift } from '@brigade/agents';
import type { ReportView, RosterView } from '@brigade/reporting';
import { connectCitizen, login, newClientMessageId } from '../support/clients';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

type Ack<T> = { ok: true; data: T } | { ok: false; error: string; status: number };

/**
 * One time zone for the whole deployment: an overseas brigade (Kiritimati, UTC+14, 12 to 13 hours from Paris, so
 * its day is never Paris's day for long) gets its own days in the roster, in reporting's "today", in report periods
 * and in the desk, which learns the zone from /api/me.
 */
const ZONE = 'Pacific/Kiritimati';

describe('ROSTER_TIME_ZONE is the one time zone of roster, reporting and desk', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startPlatform({ ROSTER_TIME_ZONE: ZONE });
  });
  afterAll(async () => {
    await platform?.close();
  });
  beforeEach(async () => {
    await resetDatabase(platform.dataSource);
  });

  const get = (token: string, path: string) => fetch(`${platform.url}${path}`, { headers: { authorization: `Bearer ${token}` } });

  async function supervisor() {
    const agent = await createAgent(platform.dataSource, { role: 'supervisor', onShift: false });
    return login(platform.url, agent.login, TEST_PASSWORD);
  }

  it('sends the configured zone to the desk with the signed-in agent, also after a presence change', async () => {
    const agent = await createAgent(platform.dataSource);
    const token = await login(platform.url, agent.login, TEST_PASSWORD);
    expect(await (await get(token, '/api/me')).json()).toMatchObject({ id: agent.id, timeZone: ZONE });
    const changed = await fetch(`${platform.url}/api/me/presence`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ presence: 'away' }),
    });
    expect(await changed.json()).toMatchObject({ presence: 'away', timeZone: ZONE });
  });

  it('splits the supervisor roster into the brigade’s own today and tomorrow', async () => {
    const token = await supervisor();
    const [{ start }] = await platform.dataSource.query(
      `SELECT (date_trunc('day', now() AT TIME ZONE $1) AT TIME ZONE $1) AS start`,
      [ZONE],
    );
    const day = new Date(start).getTime();
    const at = (hours: number) => new Date(day + hours * 3600_000);
    const early = await createAgent(platform.dataSource, { displayName: 'Gendarme Aube', onShift: false });
    const late = await createAgent(platform.dataSource, { displayName: 'Gendarme Soir', onShift: false });
    const next = await createAgent(platform.dataSource, { displayName: 'Gendarme Demain', onShift: false });
    // 01:00 and 23:00 today, 01:00 tomorrow, local: in Paris the first is the day before or the last the day after.
    await platform.dataSource.getRepository(Shift).insert([
      { agentId: early.id, startsAt: at(1), endsAt: at(3) },
      { agentId: late.id, startsAt: at(23), endsAt: at(23.5) },
      { agentId: next.id, startsAt: at(25), endsAt: at(27) },
    ]);
    const roster = (await (await get(token, '/api/supervisor/roster')).json()) as RosterView;
    expect(roster.today.map((s) => s.displayName)).toEqual(['Gendarme Aube', 'Gendarme Soir']);
    expect(roster.tomorrow.map((s) => s.displayName)).toEqual(['Gendarme Demain']);
  });

  it('writes and reads the administration roster in the zone', async () => {
    const token = await supervisor();
    const agent = await createAgent(platform.dataSource, { onShift: false });
    const created = await fetch(`${platform.url}/api/admin/roster/shifts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ agentId: agent.id, date: '2026-10-20', start: '22:00', end: '06:00' }),
    });
    expect(created.status).toBe(201);
    const [shift] = await platform.dataSource.getRepository(Shift).findBy({ agentId: agent.id });
    // 22:00 at UTC+14 is 08:00 UTC the same day.
    expect([shift.startsAt.toISOString(), shift.endsAt.toISOString()]).toEqual(['2026-10-20T08:00:00.000Z', '2026-10-20T16:00:00.000Z']);
    const week = (await (await get(token, '/api/admin/roster?week=2026-10-20')).json()) as { shifts: unknown[] };
    expect(week).toMatchObject({ from: '2026-10-19', timeZone: ZONE });
    expect(week.shifts).toEqual([expect.objectContaining({ agentId: agent.id, date: '2026-10-20', start: '22:00', end: '06:00' })]);
  });

  it('reads a report period given as days from the brigade’s midnight, not UTC’s', async () => {
    const token = await supervisor();
    const citizen = await connectCitizen(platform.url);
    try {
      await citizen.log.waitFor('session');
      const ack = (await citizen.socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text: 'Bonjour' })) as Ack<unknown>;
      expect(ack.ok).toBe(true);
    } finally {
      citizen.socket.disconnect();
    }
    // Stored and triaged by the worker first, so that nothing writes the conversation after the date set below.
    const deadline = Date.now() + 15_000;
    while ((await platform.dataSource.query(`SELECT 1 FROM conversations WHERE triage_state <> '{}'::jsonb`)).length === 0) {
      if (Date.now() > deadline) throw new Error('the conversation was not triaged in time');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // 00:30 on the 10th in Kiritimati is 10:30 UTC on the 9th.
    await platform.dataSource.query(`UPDATE conversations SET created_at = '2026-03-09T10:30:00Z'`);
    const tenth = (await (await get(token, '/api/reports?from=2026-03-10&to=2026-03-11')).json()) as ReportView;
    expect(tenth.from).toBe('2026-03-09T10:00:00.000Z');
    expect(tenth.totals.conversations).toBe(1);
    const ninth = (await (await get(token, '/api/reports?from=2026-03-09&to=2026-03-10')).json()) as ReportView;
    expect(ninth.totals.conversations).toBe(0);
  });
});

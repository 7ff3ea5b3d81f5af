import { QueueCatalog } from '@brigade/administration';
import { FakeGraphApi, metaWebhookSignature } from '@brigade/testing';
import { login } from '../support/clients';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

const APP_SECRET = 'facebook-app-secret-used-only-in-tests';
const PAGE_A = '100200300';
const PAGE_B = '400500600';
const PAGE_TOKEN_A = 'EAAPageTokenA-secret';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('administration API: people, roster, queues, replies, channels, contacts, audit', () => {
  let platform: TestPlatform;
  let graph: FakeGraphApi;
  let admin: { id: string; token: string };
  let supervisor: { id: string; token: string };
  let agent: { id: string; token: string };

  beforeAll(async () => {
    graph = await FakeGraphApi.start();
    platform = await startPlatform({
      AUTH_LOGIN_ATTEMPTS_PER_MINUTE: '1000',
      FACEBOOK_ENABLED: 'true',
      FACEBOOK_APP_SECRET: APP_SECRET,
      FACEBOOK_VERIFY_TOKEN: 'verify-token-of-the-tests',
      FACEBOOK_PAGES: `${PAGE_A}:${PAGE_TOKEN_A},${PAGE_B}:EAAPageTokenB-secret`,
      FACEBOOK_GRAPH_BASE_URL: graph.baseUrl,
      FACEBOOK_FETCH_PROFILES: 'false',
    });
  });
  afterAll(async () => {
    await platform?.close();
    await graph?.close();
  });
  beforeEach(async () => {
    await resetDatabase(platform.dataSource);
    await platform.dataSource.query(`TRUNCATE channel_switches`);
    // Only this file's replies: the shared ones seeded by the migrations are read by other tests.
    await platform.dataSource.query(`DELETE FROM canned_replies WHERE shortcut LIKE 'adm-%'`);
    const signIn = async (role: 'admin' | 'supervisor' | 'agent') => {
      const created = await createAgent(platform.dataSource, { role, onShift: false });
      return { id: created.id, token: await login(platform.url, created.login, TEST_PASSWORD) };
    };
    admin = await signIn('admin');
    supervisor = await signIn('supervisor');
    agent = await signIn('agent');
  });

  async function call(method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; body: Json; text: string }> {
    const response = await fetch(`${platform.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: Json = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
    return { status: response.status, body: parsed, text };
  }
  const asAdmin = (method: string, path: string, body?: unknown) => call(method, path, admin.token, body);
  const count = async (sql: string, params: unknown[] = []) => ((await platform.dataSource.query(sql, params)) as { n: number }[])[0].n;
  const auditActions = async () =>
    ((await platform.dataSource.query(`SELECT action FROM audit_events WHERE actor_id = $1 AND action NOT LIKE 'auth.%' ORDER BY id`, [admin.id])) as { action: string }[]).map(
      (r) => r.action,
    );

  describe('agents', () => {
    it('creates, edits, lists with filters and search, and audits each change', async () => {
      const created = await asAdmin('POST', '/api/admin/agents', {
        login: 'Gendarme.Leroy',
        displayName: 'Gendarme Leroy',
        role: 'agent',
        skills: ['violence', 'general'],
        languages: ['fr', 'en'],
        capacity: 3,
        password: 'un mot de passe solide',
      });
      expect(created.status).toBe(201);
      expect(created.body.resetCode).toBeNull();
      expect(created.body.agent).toMatchObject({ login: 'gendarme.leroy', capacity: 3, skills: ['violence', 'general'], active: true });
      expect(JSON.stringify(created.body)).not.toMatch(/password/i);
      const id = created.body.agent.id;

      const edited = await asAdmin('PATCH', `/api/admin/agents/${id}`, { capacity: 6, role: 'supervisor', skills: ['procedure'] });
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({ capacity: 6, role: 'supervisor', skills: ['procedure'] });

      expect((await asAdmin('GET', '/api/admin/agents?q=leroy')).body.map((a: Json) => a.id)).toEqual([id]);
      expect((await asAdmin('GET', '/api/admin/agents?q=procedure')).body.map((a: Json) => a.id)).toEqual([id]);
      const supervisors = (await asAdmin('GET', '/api/admin/agents?role=supervisor')).body.map((a: Json) => a.id);
      expect(supervisors.sort()).toEqual([id, supervisor.id].sort());
      expect((await asAdmin('GET', '/api/admin/agents?active=false')).body).toEqual([]);
      expect(await login(platform.url, 'gendarme.leroy', 'un mot de passe solide')).toEqual(expect.any(String));
      expect(await auditActions()).toEqual(['agent.create', 'agent.update']);
      const [update] = await platform.dataSource.query(`SELECT details FROM audit_events WHERE action = 'agent.update'`);
      expect(update.details).toEqual({ before: { capacity: 3, role: 'agent', skills: ['violence', 'general'] }, after: { capacity: 6, role: 'supervisor', skills: ['procedure'] } });
    });

    it('answers invalid input with 400 naming the field, and a taken login with 409', async () => {
      const cases: [unknown, RegExp][] = [
        [{ login: 'x', displayName: 'X' }, /login must be 3-50/],
        [{ login: 'valid.login', displayName: '' }, /displayName must be longer/],
        [{ login: 'valid.login', displayName: 'V', capacity: 0 }, /capacity must not be less than 1/],
        [{ login: 'valid.login', displayName: 'V', role: 'chef' }, /role must be one of/],
        [{ login: 'valid.login', displayName: 'V', skills: ['Bad Skill'] }, /each value in skills/],
        [{ login: 'valid.login', displayName: 'V', languages: ['fra'] }, /each value in languages/],
        [{ login: 'valid.login', displayName: 'V', password: 'court' }, /password must be longer/],
        [{ login: 'valid.login', displayName: 'V', isRoot: true }, /property isRoot should not exist/],
      ];
      for (const [body, message] of cases) {
        const response = await asAdmin('POST', '/api/admin/agents', body);
        expect([response.status, response.text]).toEqual([400, expect.stringMatching(message)]);
      }
      const taken = await asAdmin('POST', '/api/admin/agents', { login: 'dup.login', displayName: 'A', password: 'un mot de passe solide' });
      expect(taken.status).toBe(201);
      const again = await asAdmin('POST', '/api/admin/agents', { login: 'DUP.login', displayName: 'B' });
      expect([again.status, again.body.message]).toEqual([409, 'login: "dup.login" is already taken']);
      expect((await asAdmin('PATCH', `/api/admin/agents/${agent.id}`, { capacity: 'beaucoup' })).text).toMatch(/capacity must be an integer/);
      expect((await asAdmin('GET', '/api/admin/agents?active=maybe')).text).toMatch(/active must be one of/);
      expect((await asAdmin('PATCH', `/api/admin/agents/${admin.id}`, { role: 'agent' })).status).toBe(409);
    });

    it('deactivates without deleting: sessions closed at once, history kept, account refused at sign-in', async () => {
      const target = await createAgent(platform.dataSource, { role: 'agent' });
      const token = await login(platform.url, target.login, TEST_PASSWORD);
      expect((await call('GET', '/api/me', token)).status).toBe(200);
      const response = await asAdmin('POST', `/api/admin/agents/${target.id}/deactivate`);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ active: false, presence: 'offline' });
      expect((await call('GET', '/api/me', token)).status).toBe(401);
      expect(await count(`SELECT count(*)::int AS n FROM auth_sessions WHERE agent_id = $1 AND revoked_at IS NULL`, [target.id])).toBe(0);
      expect(await count(`SELECT count(*)::int AS n FROM agents WHERE id = $1`, [target.id])).toBe(1);
      await expect(login(platform.url, target.login, TEST_PASSWORD)).rejects.toThrow(/401/);
      expect((await asAdmin('GET', '/api/admin/agents?active=false')).body.map((a: Json) => a.id)).toEqual([target.id]);
      expect((await asAdmin('POST', `/api/admin/agents/${target.id}/reactivate`)).body.active).toBe(true);
      expect(await login(platform.url, target.login, TEST_PASSWORD)).toEqual(expect.any(String));
      expect(await auditActions()).toEqual(['agent.deactivate', 'agent.reactivate']);
    });

    it('resets a password with a one-time code: hashed, single use, tied to the login, sessions closed', async () => {
      const target = await createAgent(platform.dataSource, { role: 'agent' });
      const oldToken = await login(platform.url, target.login, TEST_PASSWORD);
      const issued = await asAdmin('POST', `/api/admin/agents/${target.id}/password-reset`);
      expect(issued.status).toBe(201);
      const code: string = issued.body.code;
      expect(code).toMatch(/^[A-Z2-9]{5}(-[A-Z2-9]{5}){3}$/);
      const [stored] = await platform.dataSource.query(`SELECT code_hash FROM password_reset_codes WHERE agent_id = $1`, [target.id]);
      expect(stored.code_hash).not.toContain(code.replace(/-/g, ''));

      const reset = (body: unknown) => call('POST', '/api/auth/password-reset', null, body);
      expect((await reset({ login: target.login, code, newPassword: 'court' })).text).toMatch(/newPassword must be longer/);
      expect((await reset({ login: 'someone-else', code, newPassword: 'nouveau mot de passe' })).status).toBe(400);
      expect((await reset({ login: target.login, code: code.toLowerCase(), newPassword: 'nouveau mot de passe' })).status).toBe(204);
      expect((await reset({ login: target.login, code, newPassword: 'encore un autre mot' })).status).toBe(400);
      expect((await call('GET', '/api/me', oldToken)).status).toBe(401);
      await expect(login(platform.url, target.login, TEST_PASSWORD)).rejects.toThrow(/401/);
      expect(await login(platform.url, target.login, 'nouveau mot de passe')).toEqual(expect.any(String));

      // A new agent created without a password gets a code to choose one; an expired code is refused.
      const created = await asAdmin('POST', '/api/admin/agents', { login: 'nouvel.agent', displayName: 'Nouvel Agent' });
      expect(created.body.resetCode.code).toEqual(expect.any(String));
      await platform.dataSource.query(`UPDATE password_reset_codes SET expires_at = now() - interval '1 second' WHERE agent_id = $1`, [created.body.agent.id]);
      expect((await reset({ login: 'nouvel.agent', code: created.body.resetCode.code, newPassword: 'nouveau mot de passe' })).status).toBe(400);
      const audit = await platform.dataSource.query(`SELECT action FROM audit_events WHERE subject_id = $1 AND action LIKE '%password-reset%'`, [target.id]);
      expect(audit.map((r: Json) => r.action).sort()).toEqual(['agent.password-reset-issued', 'auth.password-reset']);
    });

    it('imports agents from CSV: the dry run lists every bad line and writes nothing; the real run is all or nothing', async () => {
      const before = await count(`SELECT count(*)::int AS n FROM agents`);
      const bad = [
        'login,display_name,role,skills,languages,capacity,active',
        'gendarme.roux,Gendarme Roux,agent,violence;general,fr;en,4,true',
        'X,Sans Nom,chef,general,fr,4,true',
        'gendarme.blanc,,agent,general,fra,0,true',
        'gendarme.roux,Doublon,agent,general,fr,4,true',
        'gendarme.noir,Gendarme Noir,agent,general,fr,4,peut-être',
      ].join('\n');
      const dry = await asAdmin('POST', '/api/admin/agents/import', { csv: bad, dryRun: true });
      expect(dry.status).toBe(200);
      expect(dry.body.errors).toEqual([
        { line: 3, field: 'login', message: expect.any(String) },
        { line: 3, field: 'role', message: 'must be one of agent, supervisor, admin' },
        { line: 4, field: 'display_name', message: expect.any(String) },
        { line: 4, field: 'languages', message: '"fra" is not a two-letter language code' },
        { line: 4, field: 'capacity', message: expect.any(String) },
        { line: 5, field: 'login', message: '"gendarme.roux" already appears on line 2' },
        { line: 6, field: 'active', message: 'must be true or false' },
      ]);
      expect(await count(`SELECT count(*)::int AS n FROM agents`)).toBe(before);

      const real = await asAdmin('POST', '/api/admin/agents/import', { csv: bad });
      expect(real.status).toBe(400);
      expect(real.body.errors).toHaveLength(7);
      expect(await count(`SELECT count(*)::int AS n FROM agents`)).toBe(before);

      const good = [
        'login,display_name,role,skills,languages,capacity,active',
        'gendarme.roux,Gendarme Roux,agent,violence;general,fr;en,4,true',
        `"${(await platform.dataSource.query(`SELECT login FROM agents WHERE id = $1`, [agent.id]))[0].login}","Gendarme, renommé",agent,general,fr,2,true`,
      ].join('\r\n');
      const dryGood = await asAdmin('POST', '/api/admin/agents/import', { csv: good, dryRun: true });
      expect(dryGood.body).toMatchObject({ dryRun: true, rows: 2, created: 1, updated: 1, errors: [] });
      expect(await count(`SELECT count(*)::int AS n FROM agents`)).toBe(before);
      const done = await asAdmin('POST', '/api/admin/agents/import', { csv: good });
      expect(done.status).toBe(200);
      expect(done.body.resetCodes.map((r: Json) => r.login)).toEqual(['gendarme.roux']);
      expect(await count(`SELECT count(*)::int AS n FROM agents`)).toBe(before + 1);
      expect((await asAdmin('GET', `/api/admin/agents/${agent.id}`)).body).toMatchObject({ displayName: 'Gendarme, renommé', capacity: 2 });
      const download = await fetch(`${platform.url}/api/admin/agents.csv`, { headers: { authorization: `Bearer ${admin.token}` } });
      expect(download.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(download.headers.get('content-disposition')).toBe('attachment; filename="brigade-agents.csv"');
      await download.arrayBuffer();
      const exported = await asAdmin('GET', '/api/admin/agents.csv');
      expect(exported.text).toContain('gendarme.roux,Gendarme Roux,agent,violence;general,fr;en,4,true');
      expect(exported.text).toContain('"Gendarme, renommé"');
    });
  });

  describe('roster', () => {
    it('plans shifts in Paris time, overnight and across the autumn clock change, and lists them by week', async () => {
      // Night of 24 to 25 October 2026: the clocks go back at 03:00, so 22:00-06:00 lasts nine hours.
      const night = await call('POST', '/api/admin/roster/shifts', supervisor.token, { agentId: agent.id, date: '2026-10-24', start: '22:00', end: '06:00' });
      expect(night.status).toBe(201);
      expect(night.body).toMatchObject({ date: '2026-10-24', start: '22:00', end: '06:00', startsAt: '2026-10-24T20:00:00.000Z', endsAt: '2026-10-25T05:00:00.000Z' });
      const week = await call('GET', '/api/admin/roster?week=2026-10-22', supervisor.token);
      expect(week.body).toMatchObject({ from: '2026-10-19', to: '2026-10-25', timeZone: 'Europe/Paris' });
      expect(week.body.shifts.map((s: Json) => [s.agentId, s.date, s.start, s.end])).toEqual([[agent.id, '2026-10-24', '22:00', '06:00']]);

      const overlap = await call('POST', '/api/admin/roster/shifts', supervisor.token, { agentId: agent.id, date: '2026-10-25', start: '05:00', end: '13:00' });
      expect([overlap.status, overlap.text]).toEqual([400, expect.stringContaining('start: overlaps the agent')]);
      const moved = await call('PUT', `/api/admin/roster/shifts/${night.body.id}`, supervisor.token, { start: '21:00', end: '05:00' });
      expect(moved.body).toMatchObject({ start: '21:00', end: '05:00' });
      expect((await call('POST', '/api/admin/roster/shifts', supervisor.token, { agentId: agent.id, date: '2026-10-24', start: '25:00', end: '06:00' })).text).toMatch(/start must be a time HH:mm/);
      expect((await call('POST', '/api/admin/roster/shifts', supervisor.token, { agentId: agent.id, date: '2026-02-30', start: '08:00', end: '16:00' })).body.message).toBe('date: "2026-02-30" is not a date YYYY-MM-DD');
      expect((await call('DELETE', `/api/admin/roster/shifts/${night.body.id}`, supervisor.token)).status).toBe(204);
      expect(await count(`SELECT count(*)::int AS n FROM shifts`)).toBe(0);
      const actions = await platform.dataSource.query(`SELECT action FROM audit_events WHERE actor_id = $1 AND action LIKE 'shift.%' ORDER BY id`, [supervisor.id]);
      expect(actions.map((r: Json) => r.action)).toEqual(['shift.create', 'shift.update', 'shift.delete']);
    });

    it('applies a 3 x 8 h pattern over a date range and copies a week without doubling shifts', async () => {
      const team = await Promise.all([1, 2, 3].map(() => createAgent(platform.dataSource, { onShift: false })));
      const pattern = await call('POST', '/api/admin/roster/patterns', supervisor.token, {
        from: '2026-12-07',
        to: '2026-12-13',
        weekdays: [1, 2, 3],
        slots: [
          { start: '06:00', end: '14:00', agentIds: [team[0].id] },
          { start: '14:00', end: '22:00', agentIds: [team[1].id] },
          { start: '22:00', end: '06:00', agentIds: [team[2].id] },
        ],
      });
      expect(pattern.body).toEqual({ created: 9 });
      const week = (await call('GET', '/api/admin/roster?week=2026-12-09', supervisor.token)).body;
      expect(week.shifts.filter((s: Json) => s.date === '2026-12-08').map((s: Json) => `${s.start}-${s.end}`)).toEqual(['06:00-14:00', '14:00-22:00', '22:00-06:00']);
      const badPattern = await call('POST', '/api/admin/roster/patterns', supervisor.token, { from: '2026-12-07', to: '2026-12-08', weekdays: [8], slots: [{ start: '06:00', end: '14:00', agentIds: ['nope'] }] });
      expect(badPattern.status).toBe(400);
      expect(badPattern.body.message).toEqual(expect.arrayContaining([expect.stringMatching(/weekdays/), expect.stringMatching(/^slots\.0\..*agentIds must be a UUID/)]));

      const copy = await call('POST', '/api/admin/roster/copy-week', supervisor.token, { fromWeek: '2026-12-07', toWeek: '2026-12-14' });
      expect(copy.body).toEqual({ created: 9, skipped: 0 });
      const again = await call('POST', '/api/admin/roster/copy-week', supervisor.token, { fromWeek: '2026-12-07', toWeek: '2026-12-14' });
      expect(again.body).toEqual({ created: 0, skipped: 9 });
      const copied = (await call('GET', '/api/admin/roster?week=2026-12-14', supervisor.token)).body.shifts;
      expect(copied.map((s: Json) => `${s.date} ${s.start}-${s.end}`)).toContain('2026-12-16 22:00-06:00');
      expect(await count(`SELECT count(*)::int AS n FROM shifts`)).toBe(18);
    });

    it('imports shifts from CSV: the dry run reports every bad line and writes nothing; the real run is all or nothing', async () => {
      const other = await createAgent(platform.dataSource, { onShift: false });
      const [{ login: agentLogin }] = await platform.dataSource.query(`SELECT login FROM agents WHERE id = $1`, [agent.id]);
      await call('POST', '/api/admin/agents/' + other.id + '/deactivate', admin.token);
      await call('POST', '/api/admin/roster/shifts', supervisor.token, { agentId: agent.id, date: '2027-01-04', start: '08:00', end: '16:00' });
      const csv = [
        'login,date,start,end',
        `${agentLogin},2027-01-05,22:00,06:00`,
        `inconnu,2027-01-05,08:00,16:00`,
        `${agentLogin},2027-13-01,08:00,16:00`,
        `${agentLogin},2027-01-06,8h,16:00`,
        `${agentLogin},2027-01-06,03:00,09:00`,
        `${other.login},2027-01-07,08:00,16:00`,
        `${agentLogin},2027-01-04,12:00,20:00`,
        `${agentLogin},2027-01-08,08:00`,
      ].join('\n');
      const shiftsBefore = await count(`SELECT count(*)::int AS n FROM shifts`);
      const dry = await call('POST', '/api/admin/roster/shifts/import', supervisor.token, { csv, dryRun: true });
      expect(dry.status).toBe(200);
      expect(dry.body.errors.map((e: Json) => [e.line, e.field])).toEqual([
        [3, 'login'],
        [4, 'date'],
        [5, 'start'],
        [6, 'start'],
        [7, 'login'],
        [8, 'start'],
        [9, 'row'],
        [9, 'end'],
      ]);
      expect(dry.body.errors[3].message).toBe('overlaps the shift of line 2');
      expect(dry.body.errors[4].message).toMatch(/deactivated/);
      expect(dry.body.errors[5].message).toBe("overlaps the agent's shift of 2027-01-04 08:00-16:00");
      expect(await count(`SELECT count(*)::int AS n FROM shifts`)).toBe(shiftsBefore);

      const real = await call('POST', '/api/admin/roster/shifts/import', supervisor.token, { csv });
      expect([real.status, real.body.message]).toEqual([400, 'The file has errors: nothing was written']);
      expect(await count(`SELECT count(*)::int AS n FROM shifts`)).toBe(shiftsBefore);

      const good = ['login,date,start,end', `${agentLogin},2027-01-05,22:00,06:00`, `${agentLogin},2027-01-06,22:00,06:00`].join('\n');
      expect((await call('POST', '/api/admin/roster/shifts/import', supervisor.token, { csv: good })).body).toMatchObject({ created: 2, errors: [] });
      expect(await count(`SELECT count(*)::int AS n FROM shifts`)).toBe(shiftsBefore + 2);
      const exported = await call('GET', '/api/admin/roster/shifts.csv?from=2027-01-04&to=2027-01-10', supervisor.token);
      expect(exported.text.trim().split('\r\n')).toEqual([
        'login,date,start,end',
        `${agentLogin},2027-01-04,08:00,16:00`,
        `${agentLogin},2027-01-05,22:00,06:00`,
        `${agentLogin},2027-01-06,22:00,06:00`,
      ]);
      expect((await call('GET', '/api/admin/roster/shifts.csv?from=2027-01-04', supervisor.token)).text).toMatch(/to must be a date/);
    });
  });

  describe('queues', () => {
    // Other files add queues of their own (the database is shared by the run): the seeded five before and after each
    // test, with the platform's cached copy dropped since the table is changed behind its back.
    const restoreSeededQueues = async () => {
      await platform.dataSource.query(`DELETE FROM queues WHERE key NOT IN ('general', 'offence', 'violence', 'procedure', 'recruitment')`);
      await platform.dataSource.query(`UPDATE queues SET retention_days = NULL, sla_wait_seconds = 300 WHERE key = 'violence'`);
      platform.app.get(QueueCatalog).invalidate();
    };
    beforeEach(restoreSeededQueues);
    afterEach(restoreSeededQueues);

    it('lists the five seeded topics, edits and creates queues, with clear validation', async () => {
      const list = await asAdmin('GET', '/api/admin/queues');
      expect(list.body.map((q: Json) => q.key).sort()).toEqual(['general', 'offence', 'procedure', 'recruitment', 'violence']);
      expect(list.body.find((q: Json) => q.key === 'violence')).toMatchObject({ priority: 1, requiredSkill: 'violence', sensitive: true });
      expect(list.body.find((q: Json) => q.key === 'general').requiredSkill).toBeNull();

      const edited = await asAdmin('PATCH', '/api/admin/queues/violence', { retentionDays: 30, slaWaitSeconds: 60 });
      expect(edited.body).toMatchObject({ key: 'violence', retentionDays: 30, slaWaitSeconds: 60 });
      expect((await asAdmin('PATCH', '/api/admin/queues/violence', { priority: 7 })).text).toMatch(/priority must not be greater than 3/);
      expect((await asAdmin('PATCH', '/api/admin/queues/violence', { requiredSkill: 'Bad Skill' })).text).toMatch(/requiredSkill must be a skill name/);
      expect((await asAdmin('PATCH', '/api/admin/queues/nope', { priority: 1 })).status).toBe(404);

      const created = await asAdmin('POST', '/api/admin/queues', { key: 'surge-faq', nameFr: 'Crise', nameEn: 'Crisis', priority: 2, triageKeywords: ['crise'] });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ key: 'surge-faq', requiredSkill: 'surge-faq', active: true });
      expect((await asAdmin('POST', '/api/admin/queues', { key: 'surge-faq', nameFr: 'A', nameEn: 'B' })).status).toBe(409);
      expect((await asAdmin('POST', '/api/admin/queues', { key: 'Bad Key', nameFr: 'A', nameEn: 'B' })).text).toMatch(/key must be 2-40/);
      expect(await auditActions()).toEqual(['queue.update', 'queue.create']);
    });
  });

  describe('canned replies', () => {
    it('manages shared and personal replies in French and English with variables', async () => {
      const created = await asAdmin('POST', '/api/admin/canned-replies', {
        shortcut: 'adm-accueil',
        title: 'Accueil',
        text: 'Bonjour {contactName}, je suis {agentName}. Votre référence : {reference}.',
        language: 'fr',
      });
      expect(created.status).toBe(201);
      expect(created.body.ownerAgentId).toBeNull();
      const personal = await asAdmin('POST', '/api/admin/canned-replies', { shortcut: 'adm-welcome', title: 'Welcome', text: 'Hello, I am {agentName}.', language: 'en', ownerAgentId: agent.id });
      expect(personal.body.ownerAgentId).toBe(agent.id);

      expect((await asAdmin('POST', '/api/admin/canned-replies', { shortcut: 'adm-x1', title: 'T', text: 'Bonjour {nom}', language: 'fr' })).body.message).toBe(
        'text: unknown variable {nom} (known: {agentName}, {contactName}, {reference})',
      );
      expect((await asAdmin('POST', '/api/admin/canned-replies', { shortcut: 'adm-accueil', title: 'T', text: 'x', language: 'fr' })).status).toBe(409);
      expect((await asAdmin('POST', '/api/admin/canned-replies', { shortcut: 'adm-ok-2', title: 'T', text: 'x', language: 'de' })).text).toMatch(/language must be one of/);
      expect((await asAdmin('POST', '/api/admin/canned-replies', { shortcut: '/adm-bad', title: 'T', text: 'x', language: 'fr' })).text).toMatch(/shortcut must be/);

      const ours = (replies: Json[]) => replies.map((r: Json) => r.shortcut).filter((shortcut: string) => shortcut.startsWith('adm-'));
      const shared = (await asAdmin('GET', '/api/admin/canned-replies?owner=shared')).body;
      expect(ours(shared)).toEqual(['adm-accueil']);
      expect(shared.length).toBeGreaterThan(1); // with the replies seeded by the migrations
      expect((await asAdmin('GET', `/api/admin/canned-replies?owner=${agent.id}`)).body.map((r: Json) => r.shortcut)).toEqual(['adm-welcome']);
      expect(ours((await asAdmin('GET', '/api/admin/canned-replies?language=en')).body)).toEqual(['adm-welcome']);

      // The desk shows the shared replies and the agent's own personal ones, not a colleague's.
      const deskList = async (token: string) =>
        ((await call('GET', '/api/canned-replies?language=en', token)).body as Json[]).map((r) => r.shortcut).filter((x: string) => x.startsWith('adm-'));
      expect(await deskList(agent.token)).toEqual(['adm-welcome']);
      expect(await deskList(supervisor.token)).toEqual([]);

      const edited = await asAdmin('PATCH', `/api/admin/canned-replies/${created.body.id}`, { text: 'Bonjour, {agentName} à votre écoute.' });
      expect(edited.body.text).toBe('Bonjour, {agentName} à votre écoute.');
      expect((await asAdmin('DELETE', `/api/admin/canned-replies/${personal.body.id}`)).status).toBe(204);
      expect(await count(`SELECT count(*)::int AS n FROM canned_replies WHERE shortcut LIKE 'adm-%'`)).toBe(1);
      expect(await auditActions()).toEqual(['canned-reply.create', 'canned-reply.create', 'canned-reply.update', 'canned-reply.delete']);
    });
  });

  describe('channels', () => {
    function postWebhook(page: string, mid: string) {
      const raw = JSON.stringify({
        object: 'page',
        entry: [{ id: page, time: Date.now(), messaging: [{ sender: { id: `psid-${mid}` }, recipient: { id: page }, timestamp: Date.now(), message: { mid, text: 'Bonjour' } }] }],
      });
      return fetch(`${platform.url}/webhooks/facebook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaWebhookSignature(raw, APP_SECRET) },
        body: raw,
      });
    }

    it('lists each page with its status and no secret, and the switches apply to the webhook at once', async () => {
      expect((await postWebhook(PAGE_A, 'mid.before')).status).toBe(200);
      const status = await asAdmin('GET', '/api/admin/channels');
      expect(status.text).not.toContain(PAGE_TOKEN_A);
      expect(status.text).not.toContain(APP_SECRET);
      expect(status.body.map((c: Json) => [c.channel, c.account, c.enabled])).toEqual([
        ['facebook', PAGE_A, true],
        ['facebook', PAGE_B, true],
      ]);
      expect(status.body[0].lastEventAt).not.toBeNull();
      expect(status.body[1].lastEventAt).toBeNull();

      const off = await asAdmin('PUT', '/api/admin/channels/facebook/switch', { enabled: false, account: PAGE_A });
      expect(off.body.find((c: Json) => c.account === PAGE_A).enabled).toBe(false);
      const inbox = () => count(`SELECT count(*)::int AS n FROM inbox_entries`);
      const stored = await inbox();
      expect((await postWebhook(PAGE_A, 'mid.off')).status).toBe(503);
      expect((await postWebhook(PAGE_B, 'mid.page-b')).status).toBe(200);
      expect(await inbox()).toBe(stored + 1);

      await asAdmin('PUT', '/api/admin/channels/facebook/switch', { enabled: false });
      expect((await postWebhook(PAGE_B, 'mid.channel-off')).status).toBe(503);
      await asAdmin('PUT', '/api/admin/channels/facebook/switch', { enabled: true });
      await asAdmin('PUT', '/api/admin/channels/facebook/switch', { enabled: true, account: PAGE_A });
      expect((await postWebhook(PAGE_A, 'mid.on-again')).status).toBe(200);
      expect(await inbox()).toBe(stored + 2);

      expect((await asAdmin('PUT', '/api/admin/channels/facebook/switch', { enabled: 'oui' })).text).toMatch(/enabled must be a boolean/);
      expect((await asAdmin('PUT', '/api/admin/channels/facebook/switch', { enabled: false, account: '999' })).body.message).toBe('account: "999" is not a configured facebook account');
      expect((await asAdmin('PUT', '/api/admin/channels/telegram/switch', { enabled: false })).status).toBe(400);
      expect(await auditActions()).toEqual(['channel.switch-off', 'channel.switch-off', 'channel.switch-on', 'channel.switch-on']);
    });
  });

  describe('contacts', () => {
    async function contactWithConversation(name: string, channel: string, externalId: string) {
      const [contact] = await platform.dataSource.query(`INSERT INTO contacts (display_name, pseudonym) VALUES ($1, $2) RETURNING id`, [name, `Citoyen ${externalId}`]);
      const [identity] = await platform.dataSource.query(
        `INSERT INTO channel_identities (contact_id, channel, channel_account, external_id) VALUES ($1, $2, '', $3) RETURNING id`,
        [contact.id, channel, externalId],
      );
      const [conversation] = await platform.dataSource.query(
        `INSERT INTO conversations (contact_id, identity_id, channel, status, assignee_id, assigned_at) VALUES ($1, $2, $3, 'closed', NULL, NULL) RETURNING id`,
        [contact.id, identity.id, channel],
      );
      return { contactId: contact.id as string, conversationId: conversation.id as string };
    }

    it('searches, links two contacts so the desk shows one history, unlinks, and audits both', async () => {
      const web = await contactWithConversation('Jeanne Martin', 'webchat', 'visitor-123');
      const facebook = await contactWithConversation('Jeanne M.', 'facebook', 'psid-987');
      expect((await asAdmin('GET', '/api/admin/contacts?q=jeanne')).body.map((c: Json) => c.id).sort()).toEqual([web.contactId, facebook.contactId].sort());
      expect((await asAdmin('GET', '/api/admin/contacts?q=psid-987')).body.map((c: Json) => c.id)).toEqual([facebook.contactId]);
      expect((await asAdmin('GET', '/api/admin/contacts?q=x')).text).toMatch(/q must be longer/);

      const history = async () =>
        (await call('GET', `/api/conversations/${web.conversationId}/contact-history`, supervisor.token)).body.conversations.map((c: Json) => c.conversation.id);
      expect(await history()).toEqual([]);
      const linked = await asAdmin('POST', `/api/admin/contacts/${facebook.contactId}/link`, { intoContactId: web.contactId });
      expect(linked.body.mergedIntoId).toBe(web.contactId);
      expect(await history()).toEqual([facebook.conversationId]);
      expect((await asAdmin('POST', `/api/admin/contacts/${web.contactId}/link`, { intoContactId: facebook.contactId })).body.message).toBe(
        'intoContactId: these contacts are already linked',
      );
      expect((await asAdmin('POST', `/api/admin/contacts/${web.contactId}/link`, { intoContactId: 'nope' })).text).toMatch(/intoContactId must be a UUID/);

      expect((await asAdmin('DELETE', `/api/admin/contacts/${facebook.contactId}/link`)).body.mergedIntoId).toBeNull();
      expect(await history()).toEqual([]);
      const audit = await platform.dataSource.query(`SELECT action, subject_id, details FROM audit_events WHERE action LIKE 'contact.%link' ORDER BY id`);
      expect(audit).toEqual([
        { action: 'contact.link', subject_id: facebook.contactId, details: { intoContactId: web.contactId, previous: null } },
        { action: 'contact.unlink', subject_id: facebook.contactId, details: { fromContactId: web.contactId } },
      ]);
    });
  });

  describe('audit log', () => {
    it('filters by actor, action prefix, subject and time, pages, and exports CSV', async () => {
      await asAdmin('PATCH', `/api/admin/agents/${agent.id}`, { capacity: 5 });
      await asAdmin('POST', `/api/admin/agents/${agent.id}/password-reset`);
      await asAdmin('PATCH', '/api/admin/queues/general', { slaWaitSeconds: 300 });
      const byAgentPrefix = await asAdmin('GET', `/api/admin/audit?actor=${admin.id}&action=agent.`);
      expect(byAgentPrefix.body).toMatchObject({ page: 1, total: 2 });
      expect(byAgentPrefix.body.events.map((e: Json) => e.action)).toEqual(['agent.password-reset-issued', 'agent.update']);
      expect(byAgentPrefix.body.events[0].actorName).toEqual(expect.any(String));
      expect((await asAdmin('GET', `/api/admin/audit?subject=queue:general`)).body.events.map((e: Json) => e.action)).toEqual(['queue.update']);
      expect((await asAdmin('GET', `/api/admin/audit?from=2999-01-01`)).body.total).toBe(0);
      expect((await asAdmin('GET', `/api/admin/audit?from=hier`)).text).toMatch(/from must be a date/);
      expect((await asAdmin('GET', `/api/admin/audit?page=0`)).text).toMatch(/page must not be less than 1/);
      const csv = await asAdmin('GET', `/api/admin/audit.csv?actor=${admin.id}&action=${encodeURIComponent('queue.')}`);
      const lines = csv.text.trim().split('\r\n');
      expect(lines[0]).toBe('at,actor_type,actor_id,actor_name,action,subject_type,subject_id,details');
      expect(lines.slice(1).map((line) => line.split(',')[4])).toEqual(['queue.update']);
      expect(lines[1]).toContain('""slaWaitSeconds"":300');
    });
  });

  describe('access', () => {
    it('refuses every admin route to agents, and all but the roster to supervisors', async () => {
      const id = agent.id;
      const adminOnly: [string, string][] = [
        ['GET', '/api/admin/agents'],
        ['POST', '/api/admin/agents'],
        ['PATCH', `/api/admin/agents/${id}`],
        ['POST', `/api/admin/agents/${id}/deactivate`],
        ['POST', `/api/admin/agents/${id}/password-reset`],
        ['POST', '/api/admin/agents/import'],
        ['GET', '/api/admin/agents.csv'],
        ['GET', '/api/admin/queues'],
        ['PATCH', '/api/admin/queues/general'],
        ['GET', '/api/admin/canned-replies'],
        ['GET', '/api/admin/channels'],
        ['PUT', '/api/admin/channels/facebook/switch'],
        ['GET', '/api/admin/contacts?q=ab'],
        ['POST', `/api/admin/contacts/${id}/link`],
        ['GET', '/api/admin/audit'],
        ['GET', '/api/admin/audit.csv'],
      ];
      const roster: [string, string][] = [
        ['GET', '/api/admin/roster'],
        ['POST', '/api/admin/roster/shifts'],
        ['POST', '/api/admin/roster/patterns'],
        ['POST', '/api/admin/roster/copy-week'],
        ['POST', '/api/admin/roster/shifts/import'],
      ];
      for (const [method, path] of [...adminOnly, ...roster]) {
        expect([method, path, (await call(method, path, agent.token, method === 'GET' ? undefined : {})).status]).toEqual([method, path, 403]);
        expect([method, path, (await call(method, path, null, method === 'GET' ? undefined : {})).status]).toEqual([method, path, 401]);
      }
      for (const [method, path] of adminOnly) {
        expect([method, path, (await call(method, path, supervisor.token, method === 'GET' ? undefined : {})).status]).toEqual([method, path, 403]);
      }
      expect((await call('GET', '/api/admin/roster', supervisor.token)).status).toBe(200);
      expect(await count(`SELECT count(*)::int AS n FROM audit_events WHERE action NOT LIKE 'auth.%'`)).toBe(0);
    });
  });
});

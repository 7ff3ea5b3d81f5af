import { createHmac, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { RetentionService } from '@brigade/privacy';
import { LoopbackFake, LoopbackSmtpServer, PlannedAnswer } from '@brigade/testing';
import { login } from '../support/clients';
import { pdfText } from '../support/pdf-text';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Deliveries go through the worker with retries, and PDFs are parsed by a child process: slower than a REST call. */
const TEST_TIMEOUT_MS = 90_000;

const WEBHOOK_SECRET = 'unit-webhook-secret-for-tests-0123456789';

/** A territorial unit's system receiving reports: records them and answers 200 unless a test plans otherwise. */
class FakeUnitEndpoint extends LoopbackFake {
  static async start(): Promise<FakeUnitEndpoint> {
    const fake = new FakeUnitEndpoint();
    await fake.listen();
    return fake;
  }

  protected answer(): PlannedAnswer {
    return { status: 200, body: { received: true } };
  }
}

function signatureIsValid(headers: Record<string, unknown>, raw: string): boolean {
  const timestamp = String(headers['x-brigade-timestamp']);
  const expected = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(`${timestamp}.${raw}`).digest('hex')}`;
  return headers['x-brigade-signature'] === expected;
}

async function waitUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met in time; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('reports to territorial units: directory, routing, PDF, e-mail and signed webhook delivery', () => {
  let platform: TestPlatform;
  let db: DataSource;
  let smtp: LoopbackSmtpServer;
  let endpoint: FakeUnitEndpoint;

  beforeAll(async () => {
    smtp = await LoopbackSmtpServer.start();
    endpoint = await FakeUnitEndpoint.start();
    platform = await startPlatform({
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      MAIL_FROM: 'Brigade numérique <ne-pas-repondre@brigade.test>',
      REPORT_WEBHOOK_SECRET: WEBHOOK_SECRET,
      REPORT_DELIVERY_ATTEMPTS: '3',
      REPORT_RETRY_BASE_MS: '100',
      REPORT_FALLBACK_UNIT: 'permanence-nationale',
      // The file signs many gendarmes and administrators in from one address: above production's per-address limit.
      AUTH_LOGIN_ATTEMPTS_PER_MINUTE: '200',
    });
    db = platform.dataSource;
  });
  afterAll(async () => {
    await platform.close();
    await smtp.close();
    await endpoint.close();
  });
  beforeEach(async () => {
    await resetDatabase(db);
    await db.query(`DELETE FROM local_units`);
    smtp.reset();
    endpoint.reset();
  });

  async function signIn(role: 'agent' | 'admin' | 'supervisor' = 'agent') {
    const agent = await createAgent(db, { role, presence: role === 'agent' ? 'available' : 'offline', onShift: role === 'agent' });
    return { agent, token: await login(platform.url, agent.login, TEST_PASSWORD) };
  }

  async function api(token: string, method: string, path: string, body?: unknown) {
    const response = await fetch(`${platform.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let json: Json = text;
    try {
      json = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: response.status, body: json, response };
  }

  /** A web chat conversation held by the agent, with two citizen messages. */
  async function seedConversation(assigneeId: string, language = 'fr') {
    const [contact] = await db.query(`INSERT INTO contacts (display_name, pseudonym) VALUES ('Camille Durand', 'Héron Calme 12') RETURNING id`);
    const [identity] = await db.query(
      `INSERT INTO channel_identities (contact_id, channel, external_id) VALUES ($1, 'webchat', $2) RETURNING id`,
      [contact.id, `citizen-${randomUUID()}`],
    );
    const [conversation] = await db.query(
      `INSERT INTO conversations (contact_id, identity_id, channel, status, assignee_id, assigned_at, language)
       VALUES ($1, $2, 'webchat', 'assigned', $3, now(), $4) RETURNING id`,
      [contact.id, identity.id, assigneeId, language],
    );
    const messages = await db.query(
      `INSERT INTO messages (conversation_id, channel, direction, author_type, text, channel_message_id, delivery_status, attachments, created_at)
       VALUES ($1, 'webchat', 'inbound', 'citizen', 'Mon voisin me menace depuis des semaines', $2, 'received', '[]', now() - interval '2 minutes'),
              ($1, 'webchat', 'inbound', 'citizen', 'Il a cassé ma boîte aux lettres', $3, 'received',
               '[{"type":"image","url":"https://files.example/boite.jpg","name":"boite.jpg"}]', now() - interval '1 minute')
       RETURNING id`,
      [conversation.id, `m-${randomUUID()}`, `m-${randomUUID()}`],
    );
    return { contactId: contact.id as string, conversationId: conversation.id as string, messageIds: messages.map((m: { id: string }) => m.id) };
  }

  async function createUnit(adminToken: string, unit: Record<string, unknown>) {
    const created = await api(adminToken, 'POST', '/api/admin/units', { type: 'brigade', phone: '02 99 00 00 00', address: '1 rue de la Gare', ...unit });
    expect(created.status).toBe(201);
    return created.body as { id: string; code: string; name: string };
  }

  function reportBody(overrides: Record<string, unknown> = {}) {
    return {
      clientReportId: `r${randomUUID().replace(/-/g, '')}`,
      nature: 'conflit-voisinage',
      factsAt: '2026-12-01T18:30:00.000Z',
      factsPlace: '12 rue des Lilas, devant la maison',
      communeCode: '35238',
      persons: [{ role: 'victime', name: 'Camille Durand', details: 'vit seule' }, { role: 'mis en cause', name: 'Le voisin du 14', details: '' }],
      summary: 'Menaces répétées du voisin, boîte aux lettres cassée le 1er décembre. <script>alert(1)</script>',
      urgency: 'prioritaire',
      consentToContact: true,
      contactMeans: { phone: '06 12 34 56 78', preference: 'en soirée' },
      ...overrides,
    };
  }

  it('keeps a unit directory: validated units, CSV import with a dry run that writes nothing', async () => {
    const { token } = await signIn('admin');
    const refused = await api(token, 'POST', '/api/admin/units', { code: 'bta-x', name: 'X', type: 'brigade', email: 'x@unit.test', communes: ['99999'] });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain('code INSEE inconnu : 99999');
    const unreachable = await api(token, 'POST', '/api/admin/units', { code: 'bta-y', name: 'Y', type: 'brigade' });
    expect(unreachable.status).toBe(400);
    expect(unreachable.body.message).toContain('une adresse e-mail ou un webhook');

    const csv = [
      'code,name,type,address,phone,email,webhook_url,communes,postcodes,departments',
      'bta-rennes,Brigade territoriale autonome de Rennes,brigade,"1 rue de Paris, Rennes",02 99 00 00 01,bta.rennes@unit.test,,35238,,',
      'cob-ploermel,Communauté de brigades de Ploërmel,communaute-brigades,,02 97 00 00 02,cob.ploermel@unit.test,,,,56',
    ].join('\n');
    const dryRun = await api(token, 'POST', '/api/admin/units/import?dryRun=true', { csv });
    expect(dryRun.status).toBe(200);
    expect(dryRun.body).toEqual({ dryRun: true, rows: 2, created: 2, updated: 0, errors: [] });
    expect((await api(token, 'GET', '/api/admin/units')).body).toEqual([]);

    const broken = await api(token, 'POST', '/api/admin/units/import?dryRun=true', {
      csv: 'code,name,type,email,communes\nbta-a,A,caserne,a@unit.test,35238\nbta-b,B,brigade,pas-une-adresse,35238;00000\n',
    });
    expect(broken.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ line: 2, field: 'type' }),
        expect.objectContaining({ line: 3, field: 'email' }),
        expect.objectContaining({ line: 3, field: 'communes', message: 'code INSEE inconnu : 00000' }),
      ]),
    );

    const imported = await api(token, 'POST', '/api/admin/units/import', { csv });
    expect(imported.body).toMatchObject({ dryRun: false, created: 2, updated: 0, errors: [] });
    const again = await api(token, 'POST', '/api/admin/units/import', { csv: csv.replace('02 99 00 00 01', '02 99 11 11 11') });
    expect(again.body).toMatchObject({ created: 0, updated: 2 });
    const units = (await api(token, 'GET', '/api/admin/units')).body as { code: string; phone: string; departments: string[] }[];
    expect(units.map((unit) => unit.code)).toEqual(['bta-rennes', 'cob-ploermel']);
    expect(units[0].phone).toBe('02 99 11 11 11');
    expect(units[1].departments).toEqual(['56']);
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'unit.import'`);
    expect(n).toBe(2);

    const agent = await signIn('agent');
    expect((await api(agent.token, 'GET', '/api/admin/units')).status).toBe(403);
  }, TEST_TIMEOUT_MS);

  it('looks communes up by name without accents and tells which unit covers one', async () => {
    const { token } = await signIn('admin');
    const unit = await createUnit(token, { code: 'bta-saint-etienne', name: 'BTA Saint-Étienne', email: 'bta.se@unit.test', postcodes: ['42000'] });
    const agent = await signIn('agent');
    const found = await api(agent.token, 'GET', `/api/communes?q=${encodeURIComponent('saint etienne')}`);
    expect(found.status).toBe(200);
    expect(found.body[0]).toMatchObject({ code: '42218', name: 'Saint-Étienne', department: '42' });
    const routed = await api(agent.token, 'GET', '/api/communes/42218/unit');
    expect(routed.body).toMatchObject({ unit: { id: unit.id, name: 'BTA Saint-Étienne' }, matchedBy: 'postcode' });
    const uncovered = await api(agent.token, 'GET', '/api/communes/29019/unit');
    expect(uncovered.body).toMatchObject({ commune: { name: 'Brest' }, unit: null, matchedBy: null });
  }, TEST_TIMEOUT_MS);

  it('sends a report from the form to the unit by e-mail and signed webhook, PDF included, and tells the citizen in their language', async () => {
    const admin = await signIn('admin');
    const unit = await createUnit(admin.token, {
      code: 'bta-rennes',
      name: 'Brigade de Rennes',
      email: 'bta.rennes@unit.test',
      webhookUrl: `${endpoint.baseUrl}/reports`,
      communes: ['35238'],
    });
    const { agent, token } = await signIn('agent');
    const { conversationId, messageIds } = await seedConversation(agent.id, 'en');

    const draft = await api(token, 'GET', `/api/conversations/${conversationId}/report-draft`);
    expect(draft.body.natures).toEqual(expect.arrayContaining([{ key: 'conflit-voisinage', label: 'Conflit de voisinage' }]));
    expect(draft.body.prefill).toMatchObject({ citizenName: 'Camille Durand', language: 'en', channel: 'webchat' });

    const submitted = await api(token, 'POST', `/api/conversations/${conversationId}/reports`, reportBody({ messageIds }));
    expect(submitted.status).toBe(201);
    expect(submitted.body).toMatchObject({
      status: 'sending',
      routing: 'coverage',
      unit: { id: unit.id, name: 'Brigade de Rennes' },
      natureLabel: 'Conflit de voisinage',
      communeName: 'Rennes',
    });
    expect(submitted.body.deliveries.map((d: { target: string }) => d.target).sort()).toEqual(['email', 'webhook']);

    const [mail] = await smtp.waitFor((received) => received.envelopeTo.includes('bta.rennes@unit.test'));
    expect(mail.parsed.from?.text).toContain('ne-pas-repondre@brigade.test');
    expect(mail.parsed.subject).toBe('[Signalement prioritaire] Conflit de voisinage – Rennes (35238)');
    const attachment = mail.parsed.attachments.find((part) => part.contentType === 'application/pdf');
    expect(attachment).toBeDefined();
    const text = await pdfText(attachment!.content);
    expect(text).toContain('Brigade de Rennes');
    expect(text).toContain('Conflit de voisinage');
    expect(text).toContain('Menaces répétées du voisin');
    expect(text).toContain('<script>alert(1)</script>');
    expect(text).toContain('Mon voisin me menace depuis des semaines');
    expect(text).toContain('Pièce jointe : boite.jpg');
    expect(text).toContain('06 12 34 56 78');

    const [hook] = await endpoint.waitFor((request) => request.path === '/reports');
    expect(signatureIsValid(hook.headers, hook.raw)).toBe(true);
    const payload = hook.body as { deliveryId: string; report: { unit: { code: string }; summary: string }; pdf: { base64: string } };
    expect(payload.report.unit.code).toBe('bta-rennes');
    expect(await pdfText(Buffer.from(payload.pdf.base64, 'base64'))).toContain('Menaces répétées du voisin');

    const [report] = await waitUntil(
      async () => (await api(token, 'GET', `/api/conversations/${conversationId}/reports`)).body,
      (reports: Json[]) => reports[0]?.status === 'delivered',
    );
    expect(report.deliveries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ target: 'email', status: 'sent', attempts: 1 }),
        expect.objectContaining({ target: 'webhook', status: 'delivered', attempts: 1 }),
      ]),
    );
    expect(report.citizenToldAt).not.toBeNull();
    const [notice] = await db.query(
      `SELECT text, direction FROM messages WHERE conversation_id = $1 AND client_message_id = $2`,
      [conversationId, `report-${report.id}`],
    );
    expect(notice).toEqual({ direction: 'outbound', text: expect.stringContaining('Your report has been passed to the local gendarmerie unit "Brigade de Rennes"') });

    const audit = await db.query(`SELECT action FROM audit_events WHERE action LIKE 'report.%' ORDER BY id`);
    expect(audit.map((row: { action: string }) => row.action)).toEqual(['report.create', 'report.delivery.done', 'report.delivery.done']);

    const pdf = await fetch(`${platform.url}/api/reports/${report.id}/pdf`, { headers: { authorization: `Bearer ${token}` } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(await pdfText(Buffer.from(await pdf.arrayBuffer()))).toContain('Signalement à l’unité territoriale compétente');

    // The same submission again (a double click, a retried request) makes no second report.
    const resubmitted = await api(token, 'POST', `/api/conversations/${conversationId}/reports`, {
      ...reportBody({ messageIds }),
      clientReportId: (await db.query(`SELECT client_report_id FROM unit_reports`))[0].client_report_id,
    });
    expect(resubmitted.body.id).toBe(report.id);
    expect((await db.query(`SELECT count(*)::int AS n FROM unit_reports`))[0].n).toBe(1);
  }, TEST_TIMEOUT_MS);

  it('retries a webhook answering 503 and an SMTP server answering 451, then delivers', async () => {
    const admin = await signIn('admin');
    await createUnit(admin.token, { code: 'bta-rennes', name: 'Brigade de Rennes', email: 'bta.rennes@unit.test', webhookUrl: `${endpoint.baseUrl}/reports`, communes: ['35238'] });
    endpoint.answerNext({ status: 503, body: { error: 'maintenance' } });
    endpoint.answerNext({ status: 503, body: { error: 'maintenance' } });
    smtp.refuseNext(451, 'try again later');
    const { agent, token } = await signIn('agent');
    const { conversationId } = await seedConversation(agent.id);
    const submitted = await api(token, 'POST', `/api/conversations/${conversationId}/reports`, reportBody());
    expect(submitted.status).toBe(201);
    const [report] = await waitUntil(
      async () => (await api(token, 'GET', `/api/conversations/${conversationId}/reports`)).body,
      (reports: Json[]) => reports[0]?.status === 'delivered',
    );
    expect(report.deliveries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ target: 'email', status: 'sent', attempts: 2, lastError: null }),
        expect.objectContaining({ target: 'webhook', status: 'delivered', attempts: 3, lastError: null }),
      ]),
    );
    const hooks = endpoint.requests.filter((request) => request.path === '/reports');
    expect(hooks).toHaveLength(3);
    expect(hooks.every((hook) => signatureIsValid(hook.headers, hook.raw))).toBe(true);
    // Exponential backoff from REPORT_RETRY_BASE_MS: at least 100 ms before the second attempt, 200 ms before the third.
    expect(hooks[1].at - hooks[0].at).toBeGreaterThanOrEqual(100);
    expect(hooks[2].at - hooks[1].at).toBeGreaterThanOrEqual(200);
    expect(smtp.received).toHaveLength(1);
  }, TEST_TIMEOUT_MS);

  it('puts a delivery to a failing endpoint in the dead letter list, shows the reason, and an administrator sends it again', async () => {
    const admin = await signIn('admin');
    const unit = await createUnit(admin.token, { code: 'bta-rennes', name: 'Brigade de Rennes', webhookUrl: `${endpoint.baseUrl}/broken`, communes: ['35238'] });
    for (let i = 0; i < 3; i++) endpoint.answerNext({ status: 500, body: { error: 'boom' } });
    const { agent, token } = await signIn('agent');
    const { conversationId } = await seedConversation(agent.id);
    await api(token, 'POST', `/api/conversations/${conversationId}/reports`, reportBody());
    const [report] = await waitUntil(
      async () => (await api(token, 'GET', `/api/conversations/${conversationId}/reports`)).body,
      (reports: Json[]) => reports[0]?.status === 'failed',
    );
    expect(report.deliveries[0]).toMatchObject({ target: 'webhook', status: 'failed', attempts: 3, lastError: 'Webhook : réponse HTTP 500' });
    expect(endpoint.requests).toHaveLength(3);

    const deadLetters = await api(admin.token, 'GET', '/api/admin/report-deliveries/failed');
    expect(deadLetters.body).toEqual([
      expect.objectContaining({ id: report.deliveries[0].id, unitCode: 'bta-rennes', lastError: 'Webhook : réponse HTTP 500', attempts: 3 }),
    ]);
    expect((await api(token, 'GET', '/api/admin/report-deliveries/failed')).status).toBe(403);

    const fixed = await api(admin.token, 'PATCH', `/api/admin/units/${unit.id}`, { webhookUrl: `${endpoint.baseUrl}/fixed` });
    expect(fixed.body).toMatchObject({ code: 'bta-rennes', name: 'Brigade de Rennes', webhookUrl: `${endpoint.baseUrl}/fixed` });
    const retried = await api(admin.token, 'POST', `/api/admin/report-deliveries/${report.deliveries[0].id}/retry`);
    expect(retried.status).toBe(200);
    await endpoint.waitFor((request) => request.path === '/fixed');
    const [after] = await waitUntil(
      async () => (await api(token, 'GET', `/api/conversations/${conversationId}/reports`)).body,
      (reports: Json[]) => reports[0]?.status === 'delivered',
    );
    expect(after.deliveries[0]).toMatchObject({ status: 'delivered', address: `${endpoint.baseUrl}/fixed` });
    expect((await api(admin.token, 'GET', '/api/admin/report-deliveries/failed')).body).toEqual([]);
    const actions = (await db.query(`SELECT action FROM audit_events WHERE action LIKE 'report.delivery.%' ORDER BY id`)).map(
      (row: { action: string }) => row.action,
    );
    expect(actions).toEqual(['report.delivery.failed', 'report.delivery.retry', 'report.delivery.done']);
  }, TEST_TIMEOUT_MS);

  it('sends again a delivery whose job Redis lost (the relay re-enqueues it under its deterministic id)', async () => {
    const admin = await signIn('admin');
    await createUnit(admin.token, { code: 'bta-rennes', name: 'Brigade de Rennes', email: 'bta.rennes@unit.test', communes: ['35238'] });
    const { agent, token } = await signIn('agent');
    const { conversationId } = await seedConversation(agent.id);
    const submitted = await api(token, 'POST', `/api/conversations/${conversationId}/reports`, reportBody());
    await smtp.waitFor(() => true);
    // A delivery recorded in PostgreSQL whose job never reached Redis (or was lost in a Redis restart).
    const [orphan] = await db.query(
      `INSERT INTO report_deliveries (report_id, target, address, status, updated_at)
       VALUES ($1, 'webhook', $2, 'queued', now() - interval '1 minute') RETURNING id`,
      [submitted.body.id, `${endpoint.baseUrl}/relayed`],
    );
    const [hook] = await endpoint.waitFor((request) => request.path === '/relayed');
    expect(hook.headers['x-brigade-delivery']).toBe(orphan.id);
    expect(signatureIsValid(hook.headers, hook.raw)).toBe(true);
    await waitUntil(
      async () => (await db.query(`SELECT status FROM report_deliveries WHERE id = $1`, [orphan.id]))[0].status,
      (status: string) => status === 'delivered',
    );
    // Delivered once: later relay passes find nothing to do.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(endpoint.requests.filter((request) => request.path === '/relayed')).toHaveLength(1);
  }, TEST_TIMEOUT_MS);

  it('does not retry an endpoint that refuses the report (400) nor an address the SMTP server refuses (550)', async () => {
    const admin = await signIn('admin');
    await createUnit(admin.token, { code: 'bta-rennes', name: 'Brigade de Rennes', email: 'bta.rennes@unit.test', webhookUrl: `${endpoint.baseUrl}/reports`, communes: ['35238'] });
    endpoint.answerNext({ status: 400, body: { error: 'bad payload' } });
    smtp.refuseNext(550, 'mailbox unavailable');
    const { agent, token } = await signIn('agent');
    const { conversationId } = await seedConversation(agent.id);
    await api(token, 'POST', `/api/conversations/${conversationId}/reports`, reportBody());
    const [report] = await waitUntil(
      async () => (await api(token, 'GET', `/api/conversations/${conversationId}/reports`)).body,
      (reports: Json[]) => reports[0]?.deliveries.every((d: Json) => d.status === 'failed'),
    );
    expect(report.status).toBe('failed');
    expect(report.deliveries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ target: 'webhook', attempts: 1, lastError: 'Webhook : réponse HTTP 400' }),
        expect.objectContaining({ target: 'email', attempts: 1, lastError: expect.stringContaining('mailbox unavailable') }),
      ]),
    );
  }, TEST_TIMEOUT_MS);

  it('for a commune no unit covers: a clear refusal, the fallback unit once it exists, or the gendarme’s choice with a reason', async () => {
    const admin = await signIn('admin');
    const rennes = await createUnit(admin.token, { code: 'bta-rennes', name: 'Brigade de Rennes', email: 'bta.rennes@unit.test', communes: ['35238'] });
    const { agent, token } = await signIn('agent');
    const { conversationId } = await seedConversation(agent.id);

    const refused = await api(token, 'POST', `/api/conversations/${conversationId}/reports`, reportBody({ communeCode: '29019' }));
    expect(refused.status).toBe(422);
    expect(refused.body.message).toContain('Aucune unité ne couvre la commune Brest (29019)');
    expect(refused.body.communeCode).toBe('29019');

    const noReason = await api(token, 'POST', `/api/conversations/${conversationId}/reports`, reportBody({ communeCode: '29019', unitId: rennes.id }));
    expect(noReason.status).toBe(400);
    expect(noReason.body.message).toContain('motif');

    const overridden = await api(
      token,
      'POST',
      `/api/conversations/${conversationId}/reports`,
      reportBody({ communeCode: '29019', unitId: rennes.id, overrideReason: 'La victime sera hébergée à Rennes' }),
    );
    expect(overridden.status).toBe(201);
    expect(overridden.body).toMatchObject({ routing: 'override', overrideReason: 'La victime sera hébergée à Rennes', unit: { code: 'bta-rennes' } });
    const [created] = await db.query(`SELECT details FROM audit_events WHERE action = 'report.create'`);
    expect(created.details).toMatchObject({ routing: 'override', unit: 'bta-rennes', routedUnit: null, overrideReason: 'La victime sera hébergée à Rennes' });

    await createUnit(admin.token, { code: 'permanence-nationale', name: 'Permanence nationale', type: 'autre', email: 'permanence@unit.test' });
    const fallback = await api(token, 'POST', `/api/conversations/${conversationId}/reports`, reportBody({ communeCode: '29019' }));
    expect(fallback.status).toBe(201);
    expect(fallback.body).toMatchObject({ routing: 'fallback', unit: { code: 'permanence-nationale' } });
    await smtp.waitFor((mail) => mail.envelopeTo.includes('permanence@unit.test'));
  }, TEST_TIMEOUT_MS);

  it('lets only the conversation’s gendarme (or a supervisor) report, and only with its own messages', async () => {
    const admin = await signIn('admin');
    await createUnit(admin.token, { code: 'bta-rennes', name: 'Brigade de Rennes', email: 'bta.rennes@unit.test', communes: ['35238'] });
    const holder = await signIn('agent');
    const other = await signIn('agent');
    const { conversationId } = await seedConversation(holder.agent.id);
    const elsewhere = await seedConversation(other.agent.id);
    expect((await api(other.token, 'POST', `/api/conversations/${conversationId}/reports`, reportBody())).status).toBe(403);
    expect((await api(other.token, 'GET', `/api/conversations/${conversationId}/reports`)).status).toBe(403);
    const foreign = await api(holder.token, 'POST', `/api/conversations/${conversationId}/reports`, reportBody({ messageIds: elsewhere.messageIds }));
    expect(foreign.status).toBe(400);
    expect((await api(holder.token, 'POST', `/api/conversations/${conversationId}/reports`, reportBody({ nature: 'inconnue' }))).status).toBe(400);
    expect((await db.query(`SELECT count(*)::int AS n FROM unit_reports`))[0].n).toBe(0);
    const supervisor = await signIn('supervisor');
    expect((await api(supervisor.token, 'GET', `/api/conversations/${conversationId}/reports`)).status).toBe(200);
  }, TEST_TIMEOUT_MS);

  it('reports follow the conversation: in the export, erased with the contact, purged by retention', async () => {
    const admin = await signIn('admin');
    await createUnit(admin.token, { code: 'bta-rennes', name: 'Brigade de Rennes', email: 'bta.rennes@unit.test', communes: ['35238'] });
    const { agent, token } = await signIn('agent');
    const first = await seedConversation(agent.id);
    const second = await seedConversation(agent.id);
    expect((await api(token, 'POST', `/api/conversations/${first.conversationId}/reports`, reportBody())).status).toBe(201);
    expect((await api(token, 'POST', `/api/conversations/${second.conversationId}/reports`, reportBody())).status).toBe(201);
    await smtp.waitFor(() => true, 2);

    const exported = await api(admin.token, 'GET', `/api/admin/contacts/${first.contactId}/export`);
    expect(exported.status).toBe(200);
    expect(exported.body.conversations[0].reports).toEqual([
      expect.objectContaining({ unit: 'Brigade de Rennes', nature: 'conflit-voisinage', communeName: 'Rennes' }),
    ]);

    await db.query(`UPDATE conversations SET status = 'closed', closed_at = now() - interval '400 days' WHERE id = ANY($1::uuid[])`, [
      [first.conversationId, second.conversationId],
    ]);
    const erased = await api(admin.token, 'POST', `/api/admin/contacts/${first.contactId}/erase`, { reason: 'Demande d’effacement de la personne' });
    expect(erased.status).toBe(200);
    expect(await db.query(`SELECT conversation_id FROM unit_reports`)).toEqual([{ conversation_id: second.conversationId }]);

    await platform.app.get(RetentionService).purgeExpired();
    expect(await db.query(`SELECT id FROM unit_reports`)).toEqual([]);
    expect(await db.query(`SELECT id FROM report_deliveries`)).toEqual([]);
  }, TEST_TIMEOUT_MS);
});

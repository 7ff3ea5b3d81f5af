import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ContactExport, RetentionService } from '@brigade/privacy';
import { login } from '../support/clients';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

const DAY = 86_400_000;

interface SeededConversation {
  contactId: string;
  identityId: string;
  conversationId: string;
}

/** A citizen with one conversation and two messages, written straight to the tables. */
async function seedConversation(
  db: DataSource,
  options: { queue?: string; status?: string; closedDaysAgo?: number; legalHold?: boolean; sensitive?: boolean; assigneeId?: string } = {},
): Promise<SeededConversation> {
  const [contact] = await db.query(
    `INSERT INTO contacts (display_name, pseudonym) VALUES ('Camille Durand', 'Héron Calme 123') RETURNING id`,
  );
  const [identity] = await db.query(
    `INSERT INTO channel_identities (contact_id, channel, external_id, display_name) VALUES ($1, 'facebook', $2, 'Camille Durand') RETURNING id`,
    [contact.id, `psid-${randomUUID()}`],
  );
  const closedAt = options.closedDaysAgo === undefined ? null : new Date(Date.now() - options.closedDaysAgo * DAY);
  const [conversation] = await db.query(
    `INSERT INTO conversations (contact_id, identity_id, channel, status, queue, closed_at, created_at, legal_hold, sensitive, assignee_id)
     VALUES ($1, $2, 'facebook', $3, $4, $5, COALESCE($5, now()), $6, $7, $8) RETURNING id`,
    [
      contact.id,
      identity.id,
      options.status ?? 'closed',
      options.queue ?? 'general',
      closedAt,
      options.legalHold ?? false,
      options.sensitive ?? false,
      options.assigneeId ?? null,
    ],
  );
  await db.query(
    `INSERT INTO messages (conversation_id, channel, direction, author_type, text, channel_message_id, delivery_status)
     VALUES ($1, 'facebook', 'inbound', 'citizen', 'Mon voisin me menace', $2, 'received'),
            ($1, 'facebook', 'internal', 'agent', 'Note : rappeler la brigade locale', NULL, 'sent')`,
    [conversation.id, `mid-${randomUUID()}`],
  );
  return { contactId: contact.id, identityId: identity.id, conversationId: conversation.id };
}

describe('personal data: retention, legal hold, export, erasure, sensitive conversations', () => {
  let platform: TestPlatform;
  let db: DataSource;

  beforeAll(async () => {
    platform = await startPlatform({
      RETENTION_DAYS: '365',
      RETENTION_DAYS_BY_QUEUE: 'violence=1095',
      INBOX_RETENTION_DAYS: '7',
      QUARANTINE_RETENTION_DAYS: '30',
    });
    db = platform.dataSource;
  });
  afterAll(async () => {
    await platform?.close();
  });
  beforeEach(async () => {
    await resetDatabase(db);
  });

  /** An agent logged in; `onDuty` for one who holds conversations (the routing sweep hands over an off-duty agent's). */
  async function tokenFor(role: 'agent' | 'supervisor' | 'admin', onDuty = false) {
    const agent = await createAgent(db, onDuty ? { role, onShift: true, presence: 'available' } : { role, onShift: false });
    return { agent, token: await login(platform.url, agent.login, TEST_PASSWORD) };
  }

  it('anonymises closed conversations past their queue retention, and only those', async () => {
    const expired = await seedConversation(db, { closedDaysAgo: 400 });
    const recent = await seedConversation(db, { closedDaysAgo: 30 });
    const violenceKeptLonger = await seedConversation(db, { queue: 'violence', closedDaysAgo: 400 });
    const held = await seedConversation(db, { closedDaysAgo: 400, legalHold: true });
    const open = await seedConversation(db, { status: 'assigned' });
    await db.query(
      `INSERT INTO inbox_entries (channel, channel_message_id, payload, received_at, processed_at)
       VALUES ('facebook', 'old', '{}', now() - interval '10 days', now() - interval '10 days'),
              ('facebook', 'new', '{}', now() - interval '1 day', now() - interval '1 day'),
              ('facebook', 'pending', '{}', now() - interval '10 days', NULL)`,
    );

    const report = await platform.app.get(RetentionService).purgeExpired();

    expect(report.conversations).toEqual([expired.conversationId]);
    expect(report.inboxEntries).toBe(1);
    const remaining = await db.query(`SELECT conversation_id FROM messages`);
    const withMessages = new Set(remaining.map((row: { conversation_id: string }) => row.conversation_id));
    expect(withMessages.has(expired.conversationId)).toBe(false);
    for (const kept of [recent, violenceKeptLonger, held, open]) expect(withMessages.has(kept.conversationId)).toBe(true);
    const [identity] = await db.query(`SELECT external_id, display_name FROM channel_identities WHERE id = $1`, [expired.identityId]);
    expect(identity).toEqual({ external_id: `purged:${expired.identityId}`, display_name: null });
    const [contact] = await db.query(`SELECT display_name FROM contacts WHERE id = $1`, [expired.contactId]);
    expect(contact.display_name).toBeNull();
    const [conversation] = await db.query(`SELECT purged_at, status FROM conversations WHERE id = $1`, [expired.conversationId]);
    expect(conversation.purged_at).not.toBeNull();
    expect(conversation.status).toBe('closed');
    const inbox = await db.query(`SELECT channel_message_id FROM inbox_entries ORDER BY channel_message_id`);
    expect(inbox.map((row: { channel_message_id: string }) => row.channel_message_id)).toEqual(['new', 'pending']);
    const audit = await db.query(`SELECT action, details FROM audit_events WHERE action = 'retention.purge'`);
    expect(audit).toHaveLength(1);
    expect(audit[0].details.conversations).toEqual([expired.conversationId]);

    // A second sweep finds nothing more to do.
    expect((await platform.app.get(RetentionService).purgeExpired()).conversations).toEqual([]);
  });

  it('deletes quarantined messages older than QUARANTINE_RETENTION_DAYS, replayed or not, and keeps the recent ones', async () => {
    const quarantine = (reference: string, daysAgo: number, replayed: boolean) =>
      db.query(
        `INSERT INTO quarantined_messages (channel, channel_message_id, sender_external_id, reason, raw, received_at, replayed_at)
         VALUES ('facebook', $1, 'psid-quarantaine', 'refused', convert_to('{"text":"seul \\ud800"}', 'UTF8'),
                 now() - make_interval(days => $2::int), CASE WHEN $3::boolean THEN now() END)`,
        [reference, daysAgo, replayed],
      );
    await quarantine('old-open', 31, false);
    await quarantine('old-replayed', 45, true);
    await quarantine('recent-open', 29, false);
    await quarantine('recent-replayed', 2, true);

    const report = await platform.app.get(RetentionService).purgeExpired();

    expect(report.quarantinedMessages).toBe(2);
    const left = await db.query(`SELECT channel_message_id FROM quarantined_messages ORDER BY channel_message_id`);
    expect(left.map((row: { channel_message_id: string }) => row.channel_message_id)).toEqual(['recent-open', 'recent-replayed']);
    const audit = await db.query(`SELECT details FROM audit_events WHERE action = 'retention.purge'`);
    expect(audit).toEqual([{ details: { conversations: [], inboxEntries: 0, quarantinedMessages: 2, agentStateChanges: 0 } }]);
    expect((await platform.app.get(RetentionService).purgeExpired()).quarantinedMessages).toBe(0);
  });

  it('exports everything about a contact for an admin, without internal notes or sensitive conversations', async () => {
    const seeded = await seedConversation(db, { closedDaysAgo: 1 });
    const sensitive = await seedConversation(db, { closedDaysAgo: 1, sensitive: true });
    await db.query(`UPDATE conversations SET contact_id = $1 WHERE id = $2`, [seeded.contactId, sensitive.conversationId]);
    const { token } = await tokenFor('admin');

    const response = await fetch(`${platform.url}/api/admin/contacts/${seeded.contactId}/export`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    const exported = (await response.json()) as ContactExport;
    expect(exported.contact.displayName).toBe('Camille Durand');
    expect(exported.identities).toHaveLength(1);
    expect(exported.conversations.map((c) => c.id)).toEqual([seeded.conversationId]);
    expect(exported.conversations[0].messages.map((m) => m.text)).toEqual(['Mon voisin me menace']);
    expect(exported.withheldSensitiveConversations).toBe(1);

    const withoutReason = await fetch(`${platform.url}/api/admin/contacts/${seeded.contactId}/export?includeSensitive=true`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(withoutReason.status).toBe(403);
    const withReason = await fetch(
      `${platform.url}/api/admin/contacts/${seeded.contactId}/export?includeSensitive=true&reason=${encodeURIComponent('réquisition judiciaire')}`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(((await withReason.json()) as ContactExport).conversations).toHaveLength(2);
    const audit = await db.query(`SELECT details FROM audit_events WHERE action = 'contact.export' ORDER BY at`);
    expect(audit.map((row: { details: { includeSensitive: boolean } }) => row.details.includeSensitive)).toEqual([false, true]);
  });

  it('refuses exports and erasure to anyone but an admin', async () => {
    const seeded = await seedConversation(db, { closedDaysAgo: 1 });
    for (const role of ['agent', 'supervisor'] as const) {
      const { token } = await tokenFor(role);
      const exported = await fetch(`${platform.url}/api/admin/contacts/${seeded.contactId}/export`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(exported.status).toBe(403);
      const erased = await fetch(`${platform.url}/api/admin/contacts/${seeded.contactId}/erase`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'demande du citoyen' }),
      });
      expect(erased.status).toBe(403);
    }
    expect(await db.query(`SELECT count(*)::int AS n FROM contacts`)).toEqual([{ n: 1 }]);
  });

  it('erases a contact on request, unless a legal hold forbids it', async () => {
    const seeded = await seedConversation(db, { closedDaysAgo: 1 });
    const { token } = await tokenFor('admin');
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

    const hold = await fetch(`${platform.url}/api/admin/conversations/${seeded.conversationId}/legal-hold`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ hold: true, reason: 'enquête en cours' }),
    });
    expect(hold.status).toBe(200);
    const refused = await fetch(`${platform.url}/api/admin/contacts/${seeded.contactId}/erase`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ reason: 'demande du citoyen' }),
    });
    expect(refused.status).toBe(409);
    expect(await db.query(`SELECT count(*)::int AS n FROM messages`)).toEqual([{ n: 2 }]);

    await fetch(`${platform.url}/api/admin/conversations/${seeded.conversationId}/legal-hold`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ hold: false, reason: 'enquête close' }),
    });
    const erased = await fetch(`${platform.url}/api/admin/contacts/${seeded.contactId}/erase`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ reason: 'demande du citoyen' }),
    });
    expect(erased.status).toBe(200);
    expect(await erased.json()).toEqual({ conversations: 1 });
    for (const table of ['contacts', 'channel_identities', 'conversations', 'messages']) {
      expect(await db.query(`SELECT count(*)::int AS n FROM ${table}`)).toEqual([{ n: 0 }]);
    }
    const actions = await db.query(`SELECT action FROM audit_events WHERE action NOT LIKE 'auth.%' ORDER BY id`);
    expect(actions.map((row: { action: string }) => row.action)).toEqual([
      'legal-hold.set',
      'legal-hold.release',
      'contact.erase',
    ]);
  });

  it('lets the assignee mark a conversation sensitive, which shows the contact by pseudonym', async () => {
    const holder = await tokenFor('agent', true);
    const other = await tokenFor('agent');
    const seeded = await seedConversation(db, { status: 'assigned', assigneeId: holder.agent.id });

    const refused = await fetch(`${platform.url}/api/conversations/${seeded.conversationId}/sensitive`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${other.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sensitive: true }),
    });
    expect(refused.status).toBe(403);
    const marked = await fetch(`${platform.url}/api/conversations/${seeded.conversationId}/sensitive`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${holder.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sensitive: true }),
    });
    expect(marked.status).toBe(200);
    const read = await fetch(`${platform.url}/api/conversations/${seeded.conversationId}`, {
      headers: { authorization: `Bearer ${holder.token}` },
    });
    expect(((await read.json()) as { conversation: { contact: { name: string } } }).conversation.contact.name).toBe(
      'Héron Calme 123',
    );
  });
});

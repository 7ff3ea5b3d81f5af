import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@brigade/database';
import { InboxWriter, StoredEntry, WriteOutcome } from '@brigade/intake';
import { createAgent, resetDatabase } from '../support/factories';
import { TEST_DATABASE_URL } from '../support/test-env';

/** Group commit of the inbox: several messages per INSERT under load, each caller told about its own message. */
describe('inbox writer (real PostgreSQL)', () => {
  let dataSource: DataSource;
  const payload = (id: string, text = 'Bonjour') => ({ channel: 'webchat', channelMessageId: `writer-${id}`, text });

  beforeAll(async () => {
    dataSource = await new DataSource(dataSourceOptions(TEST_DATABASE_URL, 4)).initialize();
    await resetDatabase(dataSource);
  });
  afterAll(async () => {
    await dataSource.destroy();
  });

  async function storedPayloads(): Promise<Map<string, Record<string, unknown>>> {
    const rows: { id: string; channel_message_id: string; payload: Record<string, unknown> }[] = await dataSource.query(
      `SELECT id, channel_message_id, payload FROM inbox_entries WHERE channel_message_id LIKE 'writer-%'`,
    );
    return new Map(rows.map((row) => [String(row.id), { channelMessageId: row.channel_message_id, ...row.payload }]));
  }

  it('groups the messages that arrive while an INSERT runs, and gives each caller the id of its own entry', async () => {
    const batches: StoredEntry[][] = [];
    const writer = new InboxWriter(dataSource, 1, 50, (entries) => batches.push(entries));
    const sent = Array.from({ length: 120 }, (_, n) => payload(`group-${n}`, `message ${n}`));
    const outcomes = await Promise.all(sent.map((message) => writer.write(message)));
    const ids = outcomes.map((outcome) => outcome?.inboxEntryId ?? null);

    expect(ids.every((id) => id !== null)).toBe(true);
    // Nobody holds these citizens' conversations: every entry is left for the ingestion worker.
    expect(outcomes.every((outcome) => outcome?.storedAtOnce === null && outcome.processed === false)).toBe(true);
    expect(new Set(ids).size).toBe(120);
    // One INSERT at a time: the first goes alone, the others wait and go together, at most 50 per statement.
    expect(batches.length).toBeGreaterThanOrEqual(4);
    expect(batches.length).toBeLessThan(120);
    expect(Math.max(...batches.map((batch) => batch.length))).toBeLessThanOrEqual(50);
    expect(batches.flat().map((entry) => entry.inboxEntryId).sort()).toEqual([...(ids as string[])].sort());
    const stored = await storedPayloads();
    sent.forEach((message, n) => expect(stored.get(ids[n]!)).toMatchObject(message));
  });

  describe('a message for a gendarme already holding the conversation', () => {
    let agentId: string;
    let conversationId: string;
    let citizen: string;
    const citizenMessage = (id: string, text = 'Bonjour') => ({
      channel: 'webchat',
      channelAccount: '',
      channelMessageId: `writer-${id}`,
      sender: { externalId: citizen },
      text,
      attachments: [],
    });

    beforeEach(async () => {
      agentId = (await createAgent(dataSource, { presence: 'available' })).id;
      citizen = `visitor-${Math.random().toString(36).slice(2)}`;
      const [contact] = await dataSource.query(`INSERT INTO contacts (pseudonym) VALUES ('Héron Calme 1') RETURNING id`);
      const [identity] = await dataSource.query(
        `INSERT INTO channel_identities (contact_id, channel, channel_account, external_id) VALUES ($1, 'webchat', '', $2) RETURNING id`,
        [contact.id, citizen],
      );
      [{ id: conversationId }] = await dataSource.query(
        `INSERT INTO conversations (contact_id, identity_id, channel, status, assignee_id, assigned_at, last_citizen_message_at)
         VALUES ($1, $2, 'webchat', 'assigned', $3, now(), now() - interval '1 hour') RETURNING id`,
        [contact.id, identity.id, agentId],
      );
    });

    async function messagesOf(id: string): Promise<{ channel_message_id: string; text: string; created_at: Date }[]> {
      return dataSource.query(`SELECT channel_message_id, text, created_at FROM messages WHERE conversation_id = $1 ORDER BY created_at`, [id]);
    }

    it('is stored in its conversation by the same statement, its entry processed and nothing left for the worker', async () => {
      const pending: StoredEntry[][] = [];
      const writer = new InboxWriter(dataSource, 1, 50, (entries) => pending.push(entries));
      const outcome = (await writer.write(citizenMessage('at-once', 'Où en est ma plainte ?'), true)) as WriteOutcome;

      expect(outcome.processed).toBe(true);
      expect(outcome.storedAtOnce?.assigneeId).toBe(agentId);
      expect(outcome.storedAtOnce?.message).toMatchObject({ conversation_id: conversationId, text: 'Où en est ma plainte ?', direction: 'inbound' });
      expect(pending).toEqual([]);
      expect((await messagesOf(conversationId)).map((m) => m.text)).toEqual(['Où en est ma plainte ?']);
      const [entry] = await dataSource.query(`SELECT processed_at FROM inbox_entries WHERE id = $1`, [outcome.inboxEntryId]);
      expect(entry.processed_at).not.toBeNull();
      const [conversation] = await dataSource.query(
        `SELECT last_citizen_message_at > now() - interval '1 minute' AS fresh FROM conversations WHERE id = $1`,
        [conversationId],
      );
      expect(conversation.fresh).toBe(true);
      // Sent again (a webhook retry, a widget resend): a duplicate, stored once.
      expect(await writer.write(citizenMessage('at-once', 'Où en est ma plainte ?'), true)).toBeNull();
      expect(await messagesOf(conversationId)).toHaveLength(1);
    });

    it('keeps the order of several messages of one conversation written together', async () => {
      const writer = new InboxWriter(dataSource, 1, 50, () => undefined);
      const first = writer.write(citizenMessage('order-0', 'zéro'), true);
      const together = ['un', 'deux', 'trois', 'quatre'].map((text, n) => writer.write(citizenMessage(`order-${n + 1}`, text), true));
      const outcomes = await Promise.all([first, ...together]);

      expect(outcomes.every((outcome) => outcome?.storedAtOnce?.assigneeId === agentId)).toBe(true);
      const stored = await messagesOf(conversationId);
      expect(stored.map((m) => m.text)).toEqual(['zéro', 'un', 'deux', 'trois', 'quatre']);
      // Distinct instants, so that the order above is the order of arrival and not a tie broken by chance.
      const [{ instants }] = await dataSource.query(
        `SELECT count(DISTINCT created_at)::int AS instants FROM messages WHERE conversation_id = $1`,
        [conversationId],
      );
      expect(instants).toBe(5);
    });

    it('is left for the worker when the caller says triage must see it, or when the conversation is waiting', async () => {
      const pending: StoredEntry[][] = [];
      const writer = new InboxWriter(dataSource, 1, 50, (entries) => pending.push(entries));
      const flagged = await writer.write(citizenMessage('flagged', 'il me frappe'), false);
      await dataSource.query(`UPDATE conversations SET status = 'waiting', assignee_id = NULL, assigned_at = NULL WHERE id = $1`, [conversationId]);
      const waiting = await writer.write(citizenMessage('waiting'), true);

      for (const outcome of [flagged, waiting]) expect(outcome).toMatchObject({ storedAtOnce: null, processed: false });
      expect(pending.flat().map((entry) => entry.inboxEntryId)).toEqual([flagged!.inboxEntryId, waiting!.inboxEntryId]);
      expect(await messagesOf(conversationId)).toEqual([]);
    });

    it('waits for the worker behind an earlier message of the same citizen left to it, in the same batch or before', async () => {
      const pending: StoredEntry[][] = [];
      const writer = new InboxWriter(dataSource, 1, 50, (entries) => pending.push(entries));
      const alone = writer.write(citizenMessage('before-flag'), true);
      // Written together: the flagged message first, then an ordinary one.
      const [flagged, behind] = await Promise.all([
        writer.write(citizenMessage('flag', 'il me frappe'), false),
        writer.write(citizenMessage('behind-in-batch', 'il est dans la cuisine'), true),
      ]);
      expect((await alone)?.storedAtOnce).not.toBeNull();
      expect(flagged).toMatchObject({ storedAtOnce: null, processed: false });
      expect(behind).toMatchObject({ storedAtOnce: null, processed: false });
      // A later batch: the flagged entry is still waiting for the worker, so this one waits too.
      expect(await writer.write(citizenMessage('behind-later'), true)).toMatchObject({ storedAtOnce: null, processed: false });
      expect((await messagesOf(conversationId)).map((m) => m.channel_message_id)).toEqual(['writer-before-flag']);
      // Once the worker has taken them, messages go straight to the conversation again.
      await dataSource.query(`UPDATE inbox_entries SET processed_at = now() WHERE processed_at IS NULL`);
      expect((await writer.write(citizenMessage('after'), true))?.storedAtOnce).not.toBeNull();
      expect(pending.flat()).toHaveLength(3);
    });

    it('is left for the worker, without waiting, while another transaction holds the conversation (a transfer, a close)', async () => {
      const pending: StoredEntry[][] = [];
      const writer = new InboxWriter(dataSource, 1, 50, (entries) => pending.push(entries));
      const runner = dataSource.createQueryRunner();
      await runner.connect();
      await runner.startTransaction();
      try {
        await runner.query(`SELECT id FROM conversations WHERE id = $1 FOR UPDATE`, [conversationId]);
        const outcome = await writer.write(citizenMessage('held'), true);
        expect(outcome).toMatchObject({ storedAtOnce: null, processed: false });
        expect(pending.flat().map((entry) => entry.inboxEntryId)).toEqual([outcome!.inboxEntryId]);
      } finally {
        await runner.rollbackTransaction();
        await runner.release();
      }
      expect(await messagesOf(conversationId)).toEqual([]);
    });
  });

  it('stores a message sent twice in one batch once: the first caller gets the id, the second learns it is a duplicate', async () => {
    const writer = new InboxWriter(dataSource, 1, 50, () => undefined);
    const first = writer.write(payload('warm'));
    const twice = [writer.write(payload('twice')), writer.write(payload('twice')), writer.write(payload('other'))];
    await first;
    const [original, duplicate, other] = await Promise.all(twice);
    expect(original?.inboxEntryId).toEqual(expect.any(String));
    expect(duplicate).toBeNull();
    expect(other).not.toBeNull();
    expect(await writer.write(payload('twice'))).toBeNull();
  });

  it('fails only the message PostgreSQL refuses, not the others of its batch', async () => {
    const batches: StoredEntry[][] = [];
    const writer = new InboxWriter(dataSource, 1, 50, (entries) => batches.push(entries));
    const first = writer.write(payload('before-bad'));
    // A lone UTF-16 surrogate is valid in a JavaScript string and refused by PostgreSQL's json parser.
    const outcomes = await Promise.allSettled([
      writer.write(payload('good-1')),
      writer.write(payload('bad', 'broken \ud800 text')),
      writer.write(payload('good-2')),
    ]);
    await first;
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const stored = [...(await storedPayloads()).values()].map((entry) => entry.channelMessageId);
    expect(stored).toEqual(expect.arrayContaining(['writer-good-1', 'writer-good-2']));
    expect(stored).not.toContain('writer-bad');
    expect(batches.flat().map((entry) => entry.payload.channelMessageId)).toEqual(
      expect.arrayContaining(['writer-good-1', 'writer-good-2']),
    );
  });
});

import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@brigade/database';
import { InboxWriter, StoredEntry } from '@brigade/intake';
import { resetDatabase } from '../support/factories';
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
    const ids = await Promise.all(sent.map((message) => writer.write(message)));

    expect(ids.every((id) => id !== null)).toBe(true);
    expect(new Set(ids).size).toBe(120);
    // One INSERT at a time: the first goes alone, the others wait and go together, at most 50 per statement.
    expect(batches.length).toBeGreaterThanOrEqual(4);
    expect(batches.length).toBeLessThan(120);
    expect(Math.max(...batches.map((batch) => batch.length))).toBeLessThanOrEqual(50);
    expect(batches.flat().map((entry) => entry.inboxEntryId).sort()).toEqual([...(ids as string[])].sort());
    const stored = await storedPayloads();
    sent.forEach((message, n) => expect(stored.get(ids[n]!)).toMatchObject(message));
  });

  it('stores a message sent twice in one batch once: the first caller gets the id, the second learns it is a duplicate', async () => {
    const writer = new InboxWriter(dataSource, 1, 50, () => undefined);
    const first = writer.write(payload('warm'));
    const twice = [writer.write(payload('twice')), writer.write(payload('twice')), writer.write(payload('other'))];
    await first;
    const [original, duplicate, other] = await Promise.all(twice);
    expect(original).not.toBeNull();
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

import { DataSource } from 'typeorm';
import { preparedStatement, runPrepared } from '@brigade/database';

/** What the inbox stores of a message: the whole normalised message, its channel and id being the unique key. */
export interface InboxPayload {
  channel: string;
  channelMessageId: string;
  correlationId?: string;
}

export interface StoredEntry {
  inboxEntryId: string;
  payload: InboxPayload;
}

interface Waiting {
  payload: InboxPayload;
  resolve: (id: string | null) => void;
  reject: (error: unknown) => void;
}

const keyOf = (channel: string, channelMessageId: string) => `${channel}\u0000${channelMessageId}`;

/** Any number of entries in one statement (one text, so one prepared statement): the payloads as one JSON array. */
const INSERT_INBOX_ENTRIES = preparedStatement(
  'insert-inbox-entries',
  `INSERT INTO inbox_entries (channel, channel_message_id, payload)
   SELECT e->>'channel', e->>'channelMessageId', e FROM jsonb_array_elements($1::jsonb) AS e
   ON CONFLICT (channel, channel_message_id) DO NOTHING
   RETURNING id, channel, channel_message_id`,
);

/**
 * Writes inbox entries with group commit: while `maxInFlight` INSERTs are running, the messages arriving meanwhile
 * wait and go together in the next one. An idle platform writes each message at once; a loaded one writes several per
 * round trip and per commit, which is what PostgreSQL spends most on per message (measured by `npm run bench`).
 *
 * Each caller learns whether its own message was stored (its id) or was a duplicate (null). A batch PostgreSQL refuses
 * is written again one message at a time, so that one message it cannot store fails alone.
 */
export class InboxWriter {
  private waiting: Waiting[] = [];
  private inFlight = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly maxInFlight: number,
    private readonly maxBatch: number,
    /** Called once per batch with the entries it stored (not the duplicates), before their callers resume. */
    private readonly onStored: (entries: StoredEntry[]) => void,
  ) {}

  /** Stores the payload once: its inbox entry id, or null when an entry with this channel and id exists already. */
  write(payload: InboxPayload): Promise<string | null> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ payload, resolve, reject });
      this.startBatches();
    });
  }

  private startBatches(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxBatch);
      this.inFlight++;
      void this.writeBatch(batch).finally(() => {
        this.inFlight--;
        this.startBatches();
      });
    }
  }

  private async writeBatch(batch: Waiting[]): Promise<void> {
    let ids: Map<string, string>;
    try {
      ids = await this.insert(batch.map((waiting) => waiting.payload));
    } catch (error) {
      if (batch.length === 1) {
        batch[0].reject(error);
        return;
      }
      await Promise.all(batch.map((waiting) => this.writeBatch([waiting])));
      return;
    }
    const outcomes = batch.map((waiting) => {
      const key = keyOf(waiting.payload.channel, waiting.payload.channelMessageId);
      const id = ids.get(key) ?? null;
      // The same message twice in one batch is stored once: the first caller gets the id, the others a duplicate.
      ids.delete(key);
      return { waiting, id };
    });
    const stored = outcomes.filter((outcome) => outcome.id !== null);
    if (stored.length > 0) this.onStored(stored.map(({ waiting, id }) => ({ inboxEntryId: id!, payload: waiting.payload })));
    for (const { waiting, id } of outcomes) waiting.resolve(id);
  }

  private async insert(payloads: InboxPayload[]): Promise<Map<string, string>> {
    const { rows } = await runPrepared<{ id: string; channel: string; channel_message_id: string }>(
      this.dataSource,
      INSERT_INBOX_ENTRIES,
      // A string, not the array: node-postgres would send a JavaScript array as a PostgreSQL array.
      [JSON.stringify(payloads)],
    );
    return new Map(rows.map((row) => [keyOf(row.channel, row.channel_message_id), String(row.id)]));
  }
}

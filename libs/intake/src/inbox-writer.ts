import { DataSource } from 'typeorm';
import { preparedStatement, runPrepared } from '@brigade/persistence';

/** What the inbox stores of a message: the whole normalised message, its channel and id being the unique key. */
export interface InboxPayload {
  channel: string;
  channelMessageId: string;
  correlationId?: string;
}

/** An entry left for the ingestion worker. */
export interface StoredEntry {
  inboxEntryId: string;
  payload: InboxPayload;
}

/** A message stored in its conversation by the inbox statement itself (see INTAKE_ENTRIES). */
export interface StoredAtOnce {
  /** The messages row as written. */
  message: Record<string, unknown>;
  /** The gendarme the conversation is assigned to: the one to show it to. */
  assigneeId: string;
}

/** What became of a message that was not a duplicate. */
export interface WriteOutcome {
  inboxEntryId: string;
  /** Null when the entry waits for the ingestion worker. */
  storedAtOnce: StoredAtOnce | null;
  /** False when the entry waits for the ingestion worker; true when it was stored at once or found stored already. */
  processed: boolean;
}

interface Waiting {
  payload: InboxPayload;
  mayStoreAtOnce: boolean;
  resolve: (outcome: WriteOutcome | null) => void;
  reject: (error: unknown) => void;
}

const keyOf = (channel: string, channelMessageId: string) => `${channel}\u0000${channelMessageId}`;

interface IntakeRow {
  id: string;
  channel: string;
  channel_message_id: string;
  processed: boolean;
  message: Record<string, unknown> | null;
  assignee_id: string | null;
}

/**
 * Any number of messages in one statement (one text, so one prepared statement): the payloads as one JSON array
 * (`$1`), and for each whether it may be stored at once (`$2`, decided by the caller).
 *
 * Every message gets its inbox entry (the intake's idempotency key, kept for retention like any other). A message that
 * may be stored at once and whose citizen's conversation is assigned to a gendarme, with nobody else holding that
 * conversation, is also written to it here (message row, last citizen message time) and its entry is written as
 * processed: the ingestion worker never sees it. Anything else waits for the worker as before: a first message, a
 * waiting or closed conversation, a conversation another transaction holds at that instant (an agent's reply, triage,
 * routing, a transfer or a close), and any message behind one of the same citizen still waiting for the worker, so
 * that a citizen's messages reach the desk in order.
 *
 * Why: a message in a conversation a gendarme already holds is nearly all of the traffic, and storing it from the
 * worker cost a job, a second transaction and their round trips, which a 2-core machine pays for in latency under load
 * (`npm run bench`). Each message's conversation is found and locked by a subquery of its own (a locking subquery is
 * never merged into the join), which keeps the plan on the two unique indexes whatever the planner guesses of the
 * batch's size or of the share of assigned conversations. Several entries of one batch receive distinct instants (a
 * microsecond apart, in arrival order), so that messages of one conversation written together keep their order.
 */
const INTAKE_ENTRIES = preparedStatement(
  'intake-entries',
  `WITH input AS (
          SELECT DISTINCT ON (t.e->>'channel', t.e->>'channelMessageId') t.e, t.ord, ($2::boolean[])[t.ord] AS may_store_at_once
            FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(e, ord)
           ORDER BY t.e->>'channel', t.e->>'channelMessageId', t.ord),
        assigned AS (
          SELECT input.ord, held.id AS conversation_id, held.assignee_id
            FROM input
            JOIN LATERAL (
              SELECT c.id, c.assignee_id FROM channel_identities i
                -- The open-conversation condition lets the planner use the unique index of open conversations per
                -- identity; only an assigned one is taken.
                JOIN conversations c ON c.identity_id = i.id AND c.status IN ('waiting', 'assigned')
               WHERE i.channel = input.e->>'channel' AND i.channel_account = input.e->>'channelAccount'
                 AND i.external_id = input.e->'sender'->>'externalId'
                 AND c.status = 'assigned' AND c.assignee_id IS NOT NULL
                 -- Behind a message of the same citizen still waiting for the worker, a message waits its turn there
                 -- too: it must not reach the desk first. (A probe of one citizen's pending entries, inside this
                 -- per-message subquery so that it stays a probe.)
                 AND NOT EXISTS (
                       SELECT 1 FROM inbox_entries pending
                        WHERE pending.processed_at IS NULL AND pending.channel = i.channel
                          AND pending.payload->>'channelAccount' = i.channel_account
                          AND pending.payload->'sender'->>'externalId' = i.external_id)
                 FOR NO KEY UPDATE OF c SKIP LOCKED) held ON true
           WHERE input.may_store_at_once
             -- The same within this batch: behind a message of the same citizen left for the worker.
             AND NOT EXISTS (
                   SELECT 1 FROM input earlier
                    WHERE earlier.ord < input.ord AND NOT earlier.may_store_at_once
                      AND earlier.e->>'channel' = input.e->>'channel'
                      AND earlier.e->>'channelAccount' = input.e->>'channelAccount'
                      AND earlier.e->'sender'->>'externalId' = input.e->'sender'->>'externalId')),
        entry AS (
          INSERT INTO inbox_entries (channel, channel_message_id, payload, received_at, processed_at)
          SELECT input.e->>'channel', input.e->>'channelMessageId', input.e,
                 now() + (input.ord - 1) * interval '1 microsecond',
                 CASE WHEN assigned.conversation_id IS NOT NULL THEN now() END
            FROM input LEFT JOIN assigned ON assigned.ord = input.ord
           ORDER BY input.ord
          ON CONFLICT (channel, channel_message_id) DO NOTHING
          RETURNING id, channel, channel_message_id, received_at, processed_at IS NOT NULL AS processed),
        message AS (
          INSERT INTO messages (conversation_id, channel, direction, author_type, text, attachments,
                                channel_message_id, delivery_status, created_at)
          SELECT assigned.conversation_id, entry.channel, 'inbound', 'citizen', input.e->>'text',
                 COALESCE(input.e->'attachments', '[]'::jsonb), entry.channel_message_id, 'received', entry.received_at
            FROM entry
            JOIN input ON input.e->>'channel' = entry.channel AND input.e->>'channelMessageId' = entry.channel_message_id
            JOIN assigned ON assigned.ord = input.ord
           WHERE entry.processed
          -- Stored already (its inbox entry purged since): a duplicate, and the entry is rightly processed.
          ON CONFLICT DO NOTHING
          RETURNING *),
        conversation AS (
          UPDATE conversations c
             SET last_citizen_message_at = GREATEST(c.last_citizen_message_at,
                                                    (SELECT max(m.created_at) FROM message m WHERE m.conversation_id = c.id))
           WHERE c.id = ANY (ARRAY(SELECT conversation_id FROM message))
          RETURNING c.id)
   SELECT entry.id, entry.channel, entry.channel_message_id, entry.processed,
          row_to_json(m) AS message, assigned.assignee_id
     FROM entry
     JOIN input ON input.e->>'channel' = entry.channel AND input.e->>'channelMessageId' = entry.channel_message_id
     LEFT JOIN assigned ON assigned.ord = input.ord
     LEFT JOIN message m ON m.channel = entry.channel AND m.channel_message_id = entry.channel_message_id`,
);

/**
 * Writes inbox entries with group commit: while `maxInFlight` statements are running, the messages arriving meanwhile
 * wait and go together in the next one. An idle platform writes each message at once; a loaded one writes several per
 * round trip and per commit, which is what PostgreSQL spends most on per message (measured by `npm run bench`).
 *
 * Each caller learns what became of its own message: left for the worker, stored at once, or a duplicate (null). A
 * batch PostgreSQL refuses is written again one message at a time, so that one message it cannot store fails alone.
 */
export class InboxWriter {
  private waiting: Waiting[] = [];
  private inFlight = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly maxInFlight: number,
    private readonly maxBatch: number,
    /** Called once per batch with the entries left for the worker, before their callers resume. */
    private readonly onPending: (entries: StoredEntry[]) => void,
  ) {}

  /**
   * Stores the message once, at once in its conversation when `mayStoreAtOnce` and its conversation is with a
   * gendarme: what became of it, or null when an entry with this channel and id exists already.
   */
  write(payload: InboxPayload, mayStoreAtOnce = false): Promise<WriteOutcome | null> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ payload, mayStoreAtOnce, resolve, reject });
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
    let rows: Map<string, IntakeRow>;
    try {
      rows = await this.insert(batch);
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
      const row = rows.get(key) ?? null;
      // The same message twice in one batch is stored once: the first caller gets the entry, the others a duplicate.
      rows.delete(key);
      return { waiting, row };
    });
    const pending = outcomes.filter(({ row }) => row !== null && !row.processed);
    if (pending.length > 0) this.onPending(pending.map(({ waiting, row }) => ({ inboxEntryId: row!.id, payload: waiting.payload })));
    for (const { waiting, row } of outcomes) waiting.resolve(row === null ? null : outcomeOf(row));
  }

  private async insert(batch: Waiting[]): Promise<Map<string, IntakeRow>> {
    const { rows } = await runPrepared<IntakeRow>(this.dataSource, INTAKE_ENTRIES, [
      // A string, not the array: node-postgres would send a JavaScript array as a PostgreSQL array.
      JSON.stringify(batch.map((waiting) => waiting.payload)),
      batch.map((waiting) => waiting.mayStoreAtOnce),
    ]);
    return new Map(rows.map((row) => [keyOf(row.channel, row.channel_message_id), { ...row, id: String(row.id) }]));
  }
}

function outcomeOf(row: IntakeRow): WriteOutcome {
  return {
    inboxEntryId: row.id,
    storedAtOnce: row.message && row.assignee_id ? { message: row.message, assigneeId: row.assignee_id } : null,
    processed: row.processed,
  };
}

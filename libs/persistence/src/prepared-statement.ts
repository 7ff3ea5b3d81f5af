import { DataSource, EntityManager } from 'typeorm';

/**
 * A statement of a hot path that PostgreSQL parses once per connection and then runs by name.
 *
 * Why: a statement sent without a name is parsed and planned again on every call. For the multi-CTE statements that
 * ingest a message, store a reply or route a conversation, planning cost PostgreSQL as much as running them
 * (pg_stat_statements under `npm run bench`: 0.7 ms of planning for 0.7 ms of execution per ingested message), and
 * PostgreSQL is what saturates first on a small machine. A prepared statement is planned for its first runs, then
 * PostgreSQL keeps a generic plan when it is as good as the custom ones (`plan_cache_mode`).
 */
export interface PreparedStatement {
  /** Unique in the application: one name, one text, for the life of every connection. */
  readonly name: string;
  readonly text: string;
}

const declared = new Map<string, string>();

/** Called for every prepared statement run: the composition layer counts statements per process with it. */
let onStatement: () => void = () => undefined;

/** Sets what runs for every prepared statement (counting); one listener per process. */
export function onPreparedStatement(listener: () => void): void {
  onStatement = listener;
}

/** Declares a statement once, at module load; two texts under one name would make every connection fail. */
export function preparedStatement(name: string, text: string): PreparedStatement {
  const existing = declared.get(name);
  if (existing !== undefined && existing !== text) throw new Error(`prepared statement "${name}" declared twice with different texts`);
  declared.set(name, text);
  return { name, text };
}

/** The small part of node-postgres's client and pool this needs. */
interface PgQueryable {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[]; rowCount: number | null }>;
}

/**
 * Runs a prepared statement on the connection of the transaction `on` belongs to, or on any pooled connection when
 * `on` is the data source (or a manager outside a transaction). Values are converted as TypeORM converts them (both
 * hand them to node-postgres). Answers the rows and the number of rows the statement touched.
 */
export async function runPrepared<Row = Record<string, unknown>>(
  on: DataSource | EntityManager,
  statement: PreparedStatement,
  values: unknown[],
): Promise<{ rows: Row[]; rowCount: number }> {
  const connection = await connectionOf(on);
  onStatement();
  const result = await connection.query({ name: statement.name, text: statement.text, values });
  return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
}

async function connectionOf(on: DataSource | EntityManager): Promise<PgQueryable> {
  const manager = on instanceof DataSource ? on.manager : on;
  const runner = manager.queryRunner;
  if (runner && !runner.isReleased) {
    // The transaction's own pg client: statements inside a transaction must run on its connection.
    return (await runner.connect()) as PgQueryable;
  }
  // TypeORM's PostgreSQL driver keeps its node-postgres pool as `master` (replication off).
  return (manager.connection.driver as unknown as { master: PgQueryable }).master;
}

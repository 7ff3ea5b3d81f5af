import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@brigade/database';
import { preparedStatement, runPrepared } from '@brigade/persistence';
import { TEST_DATABASE_URL } from '../support/test-env';

/** The hot paths' prepared statements run where their caller is: in its transaction, or on any pooled connection. */
describe('prepared statements (real PostgreSQL)', () => {
  let dataSource: DataSource;
  const unique = `${process.pid}_${Date.now()}`;
  const table = `prepared_probe_${unique}`;
  const insert = preparedStatement(`prepared-probe-insert-${unique}`, `INSERT INTO ${table} (value) VALUES ($1) RETURNING id, value`);
  const count = preparedStatement(`prepared-probe-count-${unique}`, `SELECT count(*)::int AS n FROM ${table} WHERE value = $1`);

  beforeAll(async () => {
    // A pool of 2: the same statement is prepared on several connections and must work on each.
    dataSource = await new DataSource(dataSourceOptions(TEST_DATABASE_URL, 2)).initialize();
    await dataSource.query(`CREATE TABLE ${table} (id serial PRIMARY KEY, value text NOT NULL)`);
  });
  afterAll(async () => {
    await dataSource.query(`DROP TABLE IF EXISTS ${table}`);
    await dataSource.destroy();
  });

  it('runs by name on pooled connections, many times and concurrently, with its parameters', async () => {
    const written = await Promise.all(Array.from({ length: 20 }, (_, n) => runPrepared<{ id: number; value: string }>(dataSource, insert, [`v${n % 2}`])));
    expect(written.map((result) => result.rows[0].value).sort()).toEqual([...Array(10).fill('v0'), ...Array(10).fill('v1')]);
    expect(written.every((result) => result.rowCount === 1)).toBe(true);
    const { rows } = await runPrepared<{ n: number }>(dataSource, count, ['v1']);
    expect(rows[0].n).toBe(10);
  });

  it('runs inside the caller transaction: its writes are rolled back with it and seen only inside it', async () => {
    await expect(
      dataSource.transaction(async (manager) => {
        await runPrepared(manager, insert, ['inside']);
        const inside = await runPrepared<{ n: number }>(manager, count, ['inside']);
        const outside = await runPrepared<{ n: number }>(dataSource, count, ['inside']);
        expect([inside.rows[0].n, outside.rows[0].n]).toEqual([1, 0]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    const after = await runPrepared<{ n: number }>(dataSource, count, ['inside']);
    expect(after.rows[0].n).toBe(0);
  });

  it('refuses a second text under a name already declared', () => {
    expect(() => preparedStatement(insert.name, 'SELECT 1')).toThrow(/declared twice/);
    expect(preparedStatement(insert.name, insert.text)).toEqual(insert);
  });
});

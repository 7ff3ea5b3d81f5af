import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@brigade/database';
import { connectCitizen, connectDesk, login, newClientMessageId } from '../support/clients';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../support/test-env';
import { ClusterProcess, PlatformCluster } from '../scale/platform-cluster';

type Ack<T> = { ok: true; data: T } | { ok: false; error: string; status: number };

/** The routing lock of libs/routing: holding it from the test keeps a routing job in flight. */
const ROUTING_LOCK_KEY = 727_100;

async function until(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('graceful shutdown of the API and worker processes (SIGTERM)', () => {
  let cluster: PlatformCluster;
  let api: ClusterProcess;
  let worker: ClusterProcess;
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = await new DataSource(dataSourceOptions(TEST_DATABASE_URL, 2)).initialize();
    await resetDatabase(dataSource);
    cluster = new PlatformCluster({
      NODE_ENV: 'test',
      DATABASE_URL: TEST_DATABASE_URL,
      DATABASE_POOL_SIZE: '5',
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: `shutdown-${randomUUID().slice(0, 8)}`,
      LOG_LEVEL: 'warn',
      ROUTING_TICK_MS: '60000',
    });
    [api, worker] = await Promise.all([cluster.startApi(), cluster.startWorker()]);
  }, 400_000);
  afterAll(async () => {
    await cluster?.stopAll();
    await dataSource?.destroy();
  }, 60_000);

  it('lets the worker finish the job in flight, then exit cleanly; the API closes sockets with a reconnect', async () => {
    const agent = await createAgent(dataSource);
    const token = await login(cluster.url(api), agent.login, TEST_PASSWORD);
    const desk = await connectDesk(cluster.url(api), token);
    expect(((await desk.socket.emitWithAck('presence:set', { presence: 'available' })) as Ack<unknown>).ok).toBe(true);
    const citizen = await connectCitizen(cluster.url(api));
    await citizen.log.waitFor('session');

    const lock = new Client({ connectionString: TEST_DATABASE_URL });
    await lock.connect();
    try {
      await lock.query('SELECT pg_advisory_lock($1)', [ROUTING_LOCK_KEY]);
      const sent = (await citizen.socket.emitWithAck('message:send', {
        clientMessageId: newClientMessageId(),
        text: 'Bonjour, pendant un redémarrage',
      })) as Ack<{ id: string }>;
      expect(sent.ok).toBe(true);
      // Stored, waiting for routing: the inbound job is now blocked on the routing lock.
      await until(async () => (await dataSource.query(`SELECT 1 FROM conversations WHERE status = 'waiting'`)).length === 1);

      const exited = cluster.stop(worker, 'SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(worker.child.exitCode).toBeNull();
      await lock.query('SELECT pg_advisory_unlock($1)', [ROUTING_LOCK_KEY]);
      // NestJS closes the application, then re-raises the signal: a clean stop ends with code 0 or by SIGTERM.
      expect([{ code: 0, signal: null }, { code: null, signal: 'SIGTERM' }]).toContainEqual(await exited);
    } finally {
      await lock.end();
    }
    const assignments: unknown[] = await dataSource.query(`SELECT 1 FROM assignments WHERE agent_id = $1`, [agent.id]);
    expect(assignments).toHaveLength(1);

    const reason = new Promise<string>((resolve) => citizen.socket.once('disconnect', (why) => resolve(why)));
    const apiExit = await cluster.stop(api, 'SIGTERM');
    expect([{ code: 0, signal: null }, { code: null, signal: 'SIGTERM' }]).toContainEqual(apiExit);
    // "transport close" makes socket.io clients reconnect on their own (to another replica behind the proxy),
    // unlike "io server disconnect".
    expect(await reason).toBe('transport close');
    await expect(fetch(`${cluster.url(api)}/health`)).rejects.toThrow();
    desk.socket.disconnect();
    citizen.socket.disconnect();
  }, 90_000);
});

import { randomUUID } from 'node:crypto';
import { connectDesk, login } from '../support/clients';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

type Ack<T> = { ok: true; data: T } | { ok: false; error: string; status: number };

const GRACE_MS = 1500;

/** Presence follows the agent across API processes: two API processes and a worker share one Redis prefix. */
describe('presence across API processes', () => {
  const platforms: TestPlatform[] = [];
  const sockets: { disconnect(): unknown }[] = [];

  beforeAll(async () => {
    const shared = { QUEUE_PREFIX: `test-presence-${randomUUID().slice(0, 8)}`, PRESENCE_GRACE_MS: String(GRACE_MS) };
    platforms.push(await startPlatform(shared, 'api'), await startPlatform(shared, 'api'), await startPlatform(shared, 'worker'));
  });
  afterAll(async () => {
    sockets.splice(0).forEach((socket) => socket.disconnect());
    for (const platform of platforms) await platform?.close();
  });
  beforeEach(async () => {
    await resetDatabase(platforms[0].dataSource);
  });

  async function presenceOf(agentId: string) {
    const [row] = await platforms[0].dataSource.query(`SELECT presence, disconnected_at FROM agents WHERE id = $1`, [agentId]);
    return row as { presence: string; disconnected_at: Date | null };
  }

  it('keeps an agent available while a tab on another API process is open, and sets them offline after the grace once both are gone', async () => {
    const agent = await createAgent(platforms[0].dataSource);
    const token = await login(platforms[0].url, agent.login, TEST_PASSWORD);
    const onFirst = await connectDesk(platforms[0].url, token);
    const onSecond = await connectDesk(platforms[1].url, token);
    sockets.push(onFirst.socket, onSecond.socket);
    const ack = (await onFirst.socket.emitWithAck('presence:set', { presence: 'available' })) as Ack<unknown>;
    expect(ack.ok).toBe(true);

    onFirst.socket.disconnect();
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS + 2500));
    expect(await presenceOf(agent.id)).toEqual({ presence: 'available', disconnected_at: null });

    onSecond.socket.disconnect();
    const deadline = Date.now() + 15_000;
    while ((await presenceOf(agent.id)).presence !== 'offline') {
      if (Date.now() > deadline) throw new Error('the agent never went offline');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
});

import { io, Socket } from 'socket.io-client';
import type { DeskAssignmentEvent } from '@brigade/realtime';
import { connectCitizen, connectDesk, login, newClientMessageId } from '../support/clients';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

type Ack = { ok: boolean; status?: number; error?: string };

describe('bad input is refused or ignored, nothing is stored, the platform keeps serving', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(async () => {
    await platform?.close();
  });
  beforeEach(async () => {
    await resetDatabase(platform.dataSource);
  });

  const count = async (table: string) =>
    (await platform.dataSource.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n as number;

  async function stillServing() {
    const response = await fetch(`${platform.url}/health/ready`);
    expect(response.status).toBe(200);
  }

  it('answers malformed, oversized and unexpected HTTP bodies with clear 4xx and no stack trace', async () => {
    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
      fetch(`${platform.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

    const malformed = await post('/api/auth/login', '{"login": "a", "password": ');
    expect(malformed.status).toBe(400);
    const huge = await post('/api/auth/login', JSON.stringify({ login: 'a', password: 'x'.repeat(400_000) }));
    expect(huge.status).toBe(413);
    const extra = await post('/api/auth/login', JSON.stringify({ login: 'a', password: 'b', role: 'admin' }));
    expect(extra.status).toBe(400);
    expect(JSON.stringify(await extra.json())).toMatch(/role should not exist/);
    const wrongType = await post('/api/auth/login', JSON.stringify({ login: ['a'], password: { $ne: null } }));
    expect(wrongType.status).toBe(400);
    const injection = await post('/api/auth/login', JSON.stringify({ login: "' OR 1=1 --", password: "' OR '1'='1" }));
    expect(injection.status).toBe(401);
    for (const response of [malformed, huge, wrongType, injection]) {
      const text = await response.text().catch(() => '');
      expect(text).not.toMatch(/at .*\.(ts|js):\d+/);
    }

    const agent = await createAgent(platform.dataSource);
    const token = await login(platform.url, agent.login, TEST_PASSWORD);
    const notAnId = await fetch(`${platform.url}/api/conversations/1%20OR%201=1`, { headers: { authorization: `Bearer ${token}` } });
    expect(notAnId.status).toBe(400);
    await stillServing();
  });

  it('refuses bad web chat payloads with a 400 acknowledgement and stores nothing', async () => {
    const { socket, log } = await connectCitizen(platform.url);
    await log.waitFor('session');
    const bad: unknown[] = [
      null,
      'bonjour',
      [1, 2, 3],
      {},
      { clientMessageId: newClientMessageId() },
      { clientMessageId: newClientMessageId(), text: 42 },
      { clientMessageId: '../../etc/passwd', text: 'bonjour' },
      { clientMessageId: newClientMessageId(), text: '   ' },
      { clientMessageId: newClientMessageId(), text: 'x'.repeat(2001) },
      { clientMessageId: newClientMessageId(), text: 'bonjour', role: 'agent' },
    ];
    for (const payload of bad) {
      const ack = (await socket.emitWithAck('message:send', payload as never)) as Ack;
      expect([payload, ack.ok, ack.status]).toEqual([payload, false, 400]);
    }
    // Unknown events and shapes are ignored; the connection stays usable.
    const untyped = socket as unknown as Socket;
    untyped.emit('conversation:assigned', { evil: true });
    untyped.emit('no-such-event', '<script>');
    const ok = (await socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text: 'Toujours là ?' })) as Ack;
    expect(ok.ok).toBe(true);
    socket.disconnect();
    expect(await count('inbox_entries')).toBe(1);
    await stillServing();
  });

  it('keeps HTML, SQL metacharacters and unusual unicode as plain text, exactly as sent, minus control characters', async () => {
    const agent = await createAgent(platform.dataSource, { presence: 'available' });
    const desk = await connectDesk(platform.url, await login(platform.url, agent.login, TEST_PASSWORD));
    const { socket, log } = await connectCitizen(platform.url);
    await log.waitFor('session');
    const texts = [
      '<img src=x onerror="alert(1)"><script>alert(document.cookie)</script>',
      "Robert'); DROP TABLE messages; -- et \\x00 ; SELECT * FROM agents",
      'Ça va ? 👮‍♀️🚓 مرحبا \u202Eevil\u202C Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇ 𝕳𝖊𝖑𝖑𝖔',
      'nul\u0000byte and bell\u0007 but\ttab\nand newline',
    ];
    for (const text of texts) {
      const ack = (await socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text })) as Ack;
      expect(ack.ok).toBe(true);
    }
    const expected = [...texts.slice(0, 3), 'nulbyte and bell but\ttab\nand newline'];
    await desk.log.waitFor<DeskAssignmentEvent>('conversation:assigned');
    await waitFor(async () => (await count('messages')) >= 5);
    const stored = await platform.dataSource.query(
      `SELECT text FROM messages WHERE author_type = 'citizen' ORDER BY created_at`,
    );
    expect(stored.map((row: { text: string }) => row.text)).toEqual(expected);
    expect(await count('agents')).toBe(1);
    socket.disconnect();
    desk.socket.disconnect();
    await stillServing();
  });

  it('refuses bad desk payloads and drops a socket that sends an oversized packet', async () => {
    const agent = await createAgent(platform.dataSource);
    const desk = await connectDesk(platform.url, await login(platform.url, agent.login, TEST_PASSWORD));
    for (const payload of [null, {}, { presence: 'asleep' }, { presence: 'available', extra: 1 }]) {
      const ack = (await desk.socket.emitWithAck('presence:set', payload as never)) as Ack;
      expect([payload, ack.ok, ack.status]).toEqual([payload, false, 400]);
    }
    const badSend = (await desk.socket.emitWithAck('message:send', {
      conversationId: "'; DROP TABLE conversations; --",
      clientMessageId: newClientMessageId(),
      text: 'x',
    } as never)) as Ack;
    expect(badSend).toMatchObject({ ok: false, status: 400 });
    desk.socket.disconnect();

    const citizen = io(`${platform.url}/webchat`, { transports: ['websocket'], reconnection: false, forceNew: true });
    await new Promise<void>((resolve) => citizen.once('connect', () => resolve()));
    const dropped = new Promise<string>((resolve) => citizen.once('disconnect', (reason) => resolve(reason)));
    citizen.emit('message:send', { clientMessageId: newClientMessageId(), text: 'x'.repeat(200_000) });
    expect(await dropped).toBe('transport close');
    expect(await count('inbox_entries')).toBe(0);
    await stillServing();
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

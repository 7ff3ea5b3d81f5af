import type { DeskAssignmentEvent, DeskMessageView } from '@brigade/realtime';
import { connectCitizen, connectDesk, login, newClientMessageId } from '../support/clients';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

type Ack<T> = { ok: true; data: T } | { ok: false; error: string; status: number };

const METRICS_TOKEN = 'scrape-token-0123456789abcdef';

/** Reads one sample of a Prometheus text exposition, e.g. value(text, 'brigade_messages_total{channel="webchat",...}'). */
function sample(text: string, series: string): number | null {
  const line = text.split('\n').find((candidate) => candidate.startsWith(series + ' '));
  return line ? Number(line.slice(series.length + 1)) : null;
}

describe('operations: metrics, queue board and API document', () => {
  let platform: TestPlatform;
  const sockets: { disconnect(): unknown }[] = [];

  beforeAll(async () => {
    platform = await startPlatform({ METRICS_TOKEN });
  });
  afterAll(async () => {
    await platform?.close();
  });
  beforeEach(async () => {
    await resetDatabase(platform.dataSource);
  });
  afterEach(() => {
    sockets.splice(0).forEach((socket) => socket.disconnect());
  });

  async function scrape(headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
    const response = await fetch(`${platform.url}/metrics`, { headers });
    return { status: response.status, text: await response.text() };
  }

  it('counts messages, assignments, routing time and open sockets after a conversation', async () => {
    const agent = await createAgent(platform.dataSource);
    const token = await login(platform.url, agent.login, TEST_PASSWORD);
    const desk = await connectDesk(platform.url, token);
    sockets.push(desk.socket);
    expect(((await desk.socket.emitWithAck('presence:set', { presence: 'available' })) as Ack<unknown>).ok).toBe(true);
    const citizen = await connectCitizen(platform.url);
    sockets.push(citizen.socket);
    await citizen.log.waitFor('session');

    const sent = (await citizen.socket.emitWithAck('message:send', {
      clientMessageId: newClientMessageId(),
      text: 'Bonjour, une question sur une procuration',
    })) as Ack<{ id: string }>;
    expect(sent.ok).toBe(true);
    const assigned = await desk.log.waitFor<DeskAssignmentEvent>('conversation:assigned');
    const reply = (await desk.socket.emitWithAck('message:send', {
      conversationId: assigned.conversation.id,
      clientMessageId: newClientMessageId(),
      text: 'Bonjour, je vous écoute.',
    })) as Ack<DeskMessageView>;
    expect(reply.ok).toBe(true);
    await citizen.log.waitFor('message', (message: { author: string }) => message.author === 'agent');

    const { status, text } = await scrape();
    expect(status).toBe(200);
    expect(sample(text, 'brigade_messages_total{channel="webchat",direction="inbound"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'brigade_messages_total{channel="webchat",direction="outbound"}')).toBeGreaterThanOrEqual(1);
    // Whatever routing trigger won the race (new message, agent available, tick), one assignment was counted.
    const assignments = [...text.matchAll(/^brigade_assignments_total\{[^}]*\} (\S+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
    expect(assignments).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'brigade_routing_decision_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'brigade_socket_connections{namespace="desk"}')).toBe(1);
    expect(sample(text, 'brigade_socket_connections{namespace="webchat"}')).toBe(1);
    expect(sample(text, 'brigade_queue_jobs{queue="inbound",state="waiting"}')).not.toBeNull();
    expect(sample(text, 'brigade_conversations_waiting')).toBe(0);
    expect(text).toContain('nodejs_eventloop_lag_p99_seconds');
  });

  it('reports the waiting conversations and how long the oldest has waited', async () => {
    const citizen = await connectCitizen(platform.url);
    sockets.push(citizen.socket);
    await citizen.log.waitFor('session');
    await citizen.socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text: 'Personne ?' });
    const deadline = Date.now() + 10_000;
    let waiting: number | null = 0;
    let text = '';
    while (Date.now() < deadline && waiting !== 1) {
      text = (await scrape()).text;
      waiting = sample(text, 'brigade_conversations_waiting');
      if (waiting !== 1) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(waiting).toBe(1);
    expect(sample(text, 'brigade_conversations_oldest_waiting_seconds')).toBeGreaterThanOrEqual(0);
  });

  it('serves metrics to the token holder and to direct loopback callers only', async () => {
    expect((await scrape({ 'x-forwarded-for': '203.0.113.7' })).status).toBe(403);
    expect((await scrape({ 'x-forwarded-for': '203.0.113.7', authorization: 'Bearer wrong-token' })).status).toBe(403);
    expect((await scrape({ 'x-forwarded-for': '203.0.113.7', authorization: `Bearer ${METRICS_TOKEN}` })).status).toBe(200);
  });

  it('opens the queue board to administrators only, moving a query token into a cookie', async () => {
    const board = `${platform.url}/admin/queues`;
    expect((await fetch(board)).status).toBe(401);
    const agent = await createAgent(platform.dataSource, { role: 'agent' });
    const agentToken = await login(platform.url, agent.login, TEST_PASSWORD);
    expect((await fetch(board, { headers: { authorization: `Bearer ${agentToken}` } })).status).toBe(403);

    const admin = await createAgent(platform.dataSource, { role: 'admin' });
    const adminToken = await login(platform.url, admin.login, TEST_PASSWORD);
    const entry = await fetch(`${board}?token=${encodeURIComponent(adminToken)}`, { redirect: 'manual' });
    expect(entry.status).toBe(303);
    expect(entry.headers.get('location')).toBe('/admin/queues/');
    const cookie = entry.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    const page = await fetch(`${board}/`, { headers: { cookie: cookie.split(';')[0] } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('__UI_CONFIG__');
    const queues = await fetch(`${board}/api/queues`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(queues.status).toBe(200);
    const names = ((await queues.json()) as { queues: { name: string }[] }).queues.map((queue) => queue.name).sort();
    expect(names).toEqual(['inbound', 'outbound', 'realtime', 'report-deliveries', 'routing', 'sender-actions']);
  });

  it('publishes an OpenAPI document listing the REST routes', async () => {
    const response = await fetch(`${platform.url}/api/docs-json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/api/auth/login', '/api/desk/conversations', '/api/conversations/{id}/messages']));
    expect(Object.keys(document.paths)).not.toContain('/metrics');
    expect((await fetch(`${platform.url}/api/docs`)).status).toBe(200);
  });
});

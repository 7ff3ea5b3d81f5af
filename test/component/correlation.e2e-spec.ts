import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { DeskAssignmentEvent, DeskMessageView } from '@brigade/realtime';
import { AuthService } from '@brigade/agents';
import { FakeGraphApi, metaWebhookSignature } from '@brigade/testing';
import { connectDesk, login, newClientMessageId } from '../support/clients';
import { freshDatabase } from '../support/databases';
import { TEST_PASSWORD } from '../support/factories';
import { PlatformProcesses, freePort } from '../support/processes';
import { TEST_REDIS_URL } from '../support/test-env';

type Ack<T> = { ok: true; data: T } | { ok: false; error: string; status: number };
type LogLine = { msg?: string; correlationId?: string; messageId?: string; outcome?: string; req?: { id?: string } };

const APP_SECRET = 'facebook-app-secret-of-the-correlation-test';
const PAGE = '700800900';

jest.setTimeout(120_000);

/**
 * The JSON logs of separate API and worker processes name one correlation id from the webhook (its
 * `x-request-id`) through the worker's ingestion to the outbound send, and one per desk event for a reply.
 */
describe('correlation id: webhook -> worker -> outbound send, in the JSON logs', () => {
  let graph: FakeGraphApi;
  let platform: PlatformProcesses;
  let db: Client;

  const lines = (kind: 'api' | 'worker'): LogLine[] =>
    platform.output
      .filter((chunk) => chunk.startsWith(`[${kind}] `))
      .map((chunk) => chunk.slice(kind.length + 3))
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine);

  async function logLine(kind: 'api' | 'worker', match: (line: LogLine) => boolean): Promise<LogLine> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const found = lines(kind).find(match);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no matching ${kind} log line:\n${platform.output.join('').slice(-4000)}`);
  }

  // Two processes to start (from the sources when dist/ is older): room for a machine busy with other work.
  beforeAll(async () => {
    graph = await FakeGraphApi.start();
    const databaseUrl = await freshDatabase('correlation');
    platform = new PlatformProcesses(
      {
        NODE_ENV: 'development',
        DATABASE_URL: databaseUrl,
        REDIS_URL: TEST_REDIS_URL,
        QUEUE_PREFIX: `correlation-${randomUUID().slice(0, 6)}`,
        LOG_LEVEL: 'info',
        FACEBOOK_ENABLED: 'true',
        FACEBOOK_APP_SECRET: APP_SECRET,
        FACEBOOK_VERIFY_TOKEN: 'verify-token-of-the-correlation-test',
        FACEBOOK_PAGES: `${PAGE}:EAAPageTokenCorrelation`,
        FACEBOOK_GRAPH_BASE_URL: graph.baseUrl,
      },
      await freePort(),
    );
    await platform.start('api');
    await platform.start('worker');
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
  }, 240_000);

  afterAll(async () => {
    await db?.end();
    await platform?.stopAll();
    await graph?.close();
  });

  it('follows a Messenger message and its replies from the webhook to the Send API', async () => {
    const { rows } = await db.query(
      `INSERT INTO agents (login, display_name, role, capacity, password_hash, skills, presence, duty_override)
       VALUES ('gendarme-correlation', 'Gendarme Corrélation', 'agent', 4, $1, '{general}', 'available', 'on') RETURNING id`,
      [await AuthService.hashPassword(TEST_PASSWORD)],
    );
    expect(rows).toHaveLength(1);
    const desk = await connectDesk(platform.url, await login(platform.url, 'gendarme-correlation', TEST_PASSWORD));
    try {
      const presence = (await desk.socket.emitWithAck('presence:set', { presence: 'available' })) as Ack<unknown>;
      expect(presence.ok).toBe(true);

      const requestId = `fb-${randomUUID()}`;
      const body = JSON.stringify({
        object: 'page',
        entry: [
          {
            id: PAGE,
            time: Date.now(),
            messaging: [
              { sender: { id: 'psid-correlation' }, recipient: { id: PAGE }, timestamp: Date.now(), message: { mid: 'mid.correlation', text: 'Bonjour' } },
            ],
          },
        ],
      });
      const response = await fetch(`${platform.url}/webhooks/facebook`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': metaWebhookSignature(body, APP_SECRET),
          'x-request-id': requestId,
        },
        body,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-request-id')).toBe(requestId);

      // The worker stored it under the webhook's id...
      const stored = await logLine('worker', (line) => line.msg === 'inbound message stored' && line.correlationId === requestId);
      const { rows: inbox } = await db.query(`SELECT payload->>'correlationId' AS id FROM inbox_entries`);
      expect(inbox).toEqual([{ id: requestId }]);
      // ...and sent the automatic acknowledgement (its first outbound message) under it too.
      const acknowledgement = await logLine('worker', (line) => line.msg === 'outbound delivery' && line.correlationId === requestId);
      expect(acknowledgement.outcome).toBe('sent');
      expect(acknowledgement.messageId).not.toBe(stored.messageId);

      // An agent's reply is followed from the desk event to the Send API under an id of its own.
      const assigned = await desk.log.waitFor<DeskAssignmentEvent>('conversation:assigned');
      const reply = (await desk.socket.emitWithAck('message:send', {
        conversationId: assigned.conversation.id,
        clientMessageId: newClientMessageId(),
        text: 'Bonjour, que puis-je pour vous ?',
      })) as Ack<DeskMessageView>;
      expect(reply.ok).toBe(true);
      const replyId = reply.ok ? reply.data.id : '';
      const delivered = await logLine('worker', (line) => line.msg === 'outbound delivery' && line.messageId === replyId);
      expect(delivered.outcome).toBe('sent');
      expect(delivered.correlationId).toMatch(/^[0-9a-f-]{36}$/);
      expect(delivered.correlationId).not.toBe(requestId);
    } finally {
      desk.socket.disconnect();
    }
  });
});

import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { AuthService } from '@brigade/agents';
import { FakeGraphApi, metaWebhookSignature } from '@brigade/testing';
import { connectDesk, login } from '../support/clients';
import { freshDatabase } from '../support/databases';
import { TEST_PASSWORD } from '../support/factories';
import { PlatformProcesses, freePort } from '../support/processes';
import { TEST_REDIS_URL } from '../support/test-env';

type LogLine = {
  level?: number;
  msg?: string;
  correlationId?: string;
  err?: { message?: string; stack?: string };
  req?: { id?: string; url?: string };
  res?: { statusCode?: number };
  event?: string;
  agentId?: string;
  jobId?: string;
  jobName?: string;
  queue?: string;
  attempt?: number;
  final?: boolean;
};

const APP_SECRET = 'facebook-app-secret-of-the-unexpected-errors-test';
const PAGE = '700800901';
const ERROR_LEVEL = 50;

jest.setTimeout(120_000);

/**
 * Faults injected into the platform's own database (a renamed column, triggers that raise) while separate API and
 * worker processes run: each unexpected error is answered without its details and written once, with its stack
 * and correlation id, in the JSON logs.
 */
describe('unexpected errors: answered plainly, logged once with their correlation id', () => {
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

  /** Every line of a process that carries the injected fault's message, whatever its shape. */
  const mentioning = (kind: 'api' | 'worker', fault: string) => lines(kind).filter((line) => JSON.stringify(line).includes(fault));

  async function until<T>(what: string, probe: () => T | undefined): Promise<T> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const found = probe();
      if (found !== undefined) return found;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${what} never came:\n${platform.output.join('').slice(-4000)}`);
  }

  // Two processes to start (from the sources when dist/ is older): room for a machine busy with other work.
  beforeAll(async () => {
    graph = await FakeGraphApi.start();
    const databaseUrl = await freshDatabase('unexpected_errors');
    platform = new PlatformProcesses(
      {
        NODE_ENV: 'development',
        DATABASE_URL: databaseUrl,
        REDIS_URL: TEST_REDIS_URL,
        QUEUE_PREFIX: `unexpected-${randomUUID().slice(0, 6)}`,
        LOG_LEVEL: 'info',
        FACEBOOK_ENABLED: 'true',
        FACEBOOK_APP_SECRET: APP_SECRET,
        FACEBOOK_VERIFY_TOKEN: 'verify-token-of-the-unexpected-errors-test',
        FACEBOOK_PAGES: `${PAGE}:EAAPageTokenUnexpected`,
        FACEBOOK_GRAPH_BASE_URL: graph.baseUrl,
      },
      await freePort(),
    );
    await platform.start('api');
    await platform.start('worker');
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    await db.query(
      `INSERT INTO agents (login, display_name, role, capacity, password_hash, skills, presence, duty_override)
       VALUES ('gendarme-panne', 'Gendarme Panne', 'agent', 4, $1, '{general}', 'offline', 'on')`,
      [await AuthService.hashPassword(TEST_PASSWORD)],
    );
  }, 240_000);

  afterAll(async () => {
    await db?.end();
    await platform?.stopAll();
    await graph?.close();
  });

  it('HTTP: answers 500 with the request id, and logs the fault once with its stack under that id', async () => {
    const token = await login(platform.url, 'gendarme-panne', TEST_PASSWORD);
    // The fault: a column the canned replies' query reads is gone.
    await db.query(`ALTER TABLE canned_replies RENAME COLUMN title TO title_disparu`);
    const requestId = `req-${randomUUID()}`;
    const response = await fetch(`${platform.url}/api/canned-replies`, {
      headers: { authorization: `Bearer ${token}`, 'x-request-id': requestId },
    });
    expect(response.status).toBe(500);
    expect(response.headers.get('x-request-id')).toBe(requestId);
    const body = (await response.json()) as Record<string, unknown>;
    // Nothing of the fault reaches the caller, only the id to quote.
    expect(body).toEqual({ statusCode: 500, message: 'Internal server error', requestId });

    const logged = await until('the request’s error line', () => lines('api').find((line) => line.req?.id === requestId && line.err));
    expect(logged.level).toBe(ERROR_LEVEL);
    expect(logged.res?.statusCode).toBe(500);
    expect(logged.req?.url).toBe('/api/canned-replies');
    expect(logged.err?.message).toContain('title');
    expect(logged.err?.stack).toContain('QueryFailedError');
    // Once: a short wait for any second line, then exactly one line of the process names the fault.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(mentioning('api', logged.err?.message ?? '')).toHaveLength(1);
    expect(lines('api').filter((line) => line.err && (line.req?.id === requestId || line.correlationId === requestId))).toHaveLength(1);
  });

  it('socket event: acknowledges "Erreur interne" and logs the fault once with the event, the agent and a correlation id', async () => {
    const fault = `panne-injectee-presence-${randomUUID().slice(0, 8)}`;
    await db.query(`
      CREATE FUNCTION refuse_away() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION '${fault}'; END $$;
      CREATE TRIGGER refuse_away BEFORE UPDATE ON agents FOR EACH ROW WHEN (NEW.presence = 'away') EXECUTE FUNCTION refuse_away();`);
    const { rows } = await db.query<{ id: string }>(`SELECT id FROM agents WHERE login = 'gendarme-panne'`);
    const desk = await connectDesk(platform.url, await login(platform.url, 'gendarme-panne', TEST_PASSWORD));
    try {
      const ack = await desk.socket.emitWithAck('presence:set', { presence: 'away' });
      expect(ack).toEqual({ ok: false, error: 'Erreur interne', status: 500 });

      const logged = await until('the socket event’s error line', () => mentioning('api', fault)[0]);
      expect(logged).toMatchObject({ level: ERROR_LEVEL, msg: 'socket event failed', event: 'presence:set', agentId: rows[0].id });
      expect(logged.correlationId).toMatch(/^[0-9a-f-]{36}$/);
      expect(logged.err?.stack).toContain(fault);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(mentioning('api', fault)).toHaveLength(1);
    } finally {
      desk.socket.disconnect();
    }
  });

  it('job: each failed attempt is logged once with the job, its attempt and the webhook’s correlation id', async () => {
    const fault = `panne-injectee-job-${randomUUID().slice(0, 8)}`;
    // Only the citizen's marked message cannot be stored by the worker (its webhook and inbox entry are fine).
    await db.query(`
      CREATE FUNCTION refuse_marked_message() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION '${fault}'; END $$;
      CREATE TRIGGER refuse_marked_message BEFORE INSERT ON messages FOR EACH ROW
        WHEN (NEW.text LIKE '%message-piege%') EXECUTE FUNCTION refuse_marked_message();`);
    const requestId = `fb-${randomUUID()}`;
    const body = JSON.stringify({
      object: 'page',
      entry: [
        {
          id: PAGE,
          time: Date.now(),
          messaging: [
            { sender: { id: 'psid-panne' }, recipient: { id: PAGE }, timestamp: Date.now(), message: { mid: 'mid.panne', text: 'Bonjour message-piege' } },
          ],
        },
      ],
    });
    const response = await fetch(`${platform.url}/webhooks/facebook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaWebhookSignature(body, APP_SECRET), 'x-request-id': requestId },
      body,
    });
    expect(response.status).toBe(200);

    // Three attempts (200 ms, then 400 ms of backoff between them).
    const failed = await until('three failed attempts', () => {
      const found = mentioning('worker', fault);
      return found.length >= 3 ? found : undefined;
    });
    const [first] = failed;
    expect(first).toMatchObject({ level: 40, msg: 'job attempt failed, will be retried', queue: 'inbound', jobName: 'ingest-message', final: false });
    expect(first.jobId).toEqual(expect.any(String));
    for (const line of failed) {
      expect(line.correlationId).toBe(requestId);
      expect(line.jobId).toBe(first.jobId);
      expect(line.err?.stack).toContain(fault);
    }
    // One line per attempt, never two.
    const attempts = failed.map((line) => line.attempt);
    expect(new Set(attempts).size).toBe(attempts.length);
    expect(attempts.slice(0, 3)).toEqual([1, 2, 3]);
    // The fault is not silently swallowed either: the inbox entry waits for its next attempt.
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM messages WHERE text LIKE '%message-piege%'`);
    expect(rows[0].n).toBe(0);
  });

  it('socket event: a fault while checking the session is acknowledged and logged the same way, never left unanswered', async () => {
    const { rows } = await db.query<{ id: string }>(`SELECT id FROM agents WHERE login = 'gendarme-panne'`);
    const desk = await connectDesk(platform.url, await login(platform.url, 'gendarme-panne', TEST_PASSWORD));
    try {
      // The fault: the session check reads a column that is gone.
      await db.query(`ALTER TABLE auth_sessions RENAME COLUMN revoked_at TO revocation_disparue`);
      const ack = await desk.socket.timeout(10_000).emitWithAck('presence:set', { presence: 'available' });
      expect(ack).toEqual({ ok: false, error: 'Erreur interne', status: 500 });
      const logged = await until('the session check’s error line', () =>
        lines('api').find((line) => line.msg === 'socket event failed' && JSON.stringify(line.err).includes('revoked_at')),
      );
      expect(logged).toMatchObject({ level: ERROR_LEVEL, event: 'presence:set', agentId: rows[0].id });
      expect(logged.correlationId).toMatch(/^[0-9a-f-]{36}$/);
      expect(lines('api').filter((line) => line.correlationId === logged.correlationId && line.err)).toHaveLength(1);
    } finally {
      desk.socket.disconnect();
      await db.query(`ALTER TABLE auth_sessions RENAME COLUMN revocation_disparue TO revoked_at`);
    }
  });
});

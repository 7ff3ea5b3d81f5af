import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { connectCitizen, login, newClientMessageId } from '../support/clients';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

type Schema = Record<string, unknown>;
type Operation = {
  operationId?: string;
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
};
type Ack = { ok: boolean; data?: unknown };
type ApiDocument = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};

const validatorCli = join(__dirname, '..', '..', 'node_modules', '@seriousme', 'openapi-schema-validator', 'bin', 'validate-api-cli.js');

/** The served document checked by @seriousme/openapi-schema-validator (ESM only: run as its own CLI process). */
async function validate(document: unknown): Promise<{ valid: boolean; errors?: unknown }> {
  const dir = mkdtempSync(join(tmpdir(), 'brigade-openapi-'));
  const file = join(dir, 'openapi.json');
  writeFileSync(file, JSON.stringify(document));
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [validatorCli, file]);
    return JSON.parse(stdout) as { valid: boolean };
  } catch (error) {
    const stdout = (error as { stdout?: string }).stdout;
    if (stdout) return JSON.parse(stdout) as { valid: boolean; errors: unknown };
    throw error;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Follows a local $ref to its component. */
function resolve(document: ApiDocument, schema: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const name = ref.replace('#/components/schemas/', '');
  const target = document.components.schemas[name];
  if (!target) throw new Error(`dangling reference ${ref}`);
  return resolve(document, target);
}

/** An empty schema says nothing: no type, no properties, no items, no composition, no enum. */
function isEmpty(document: ApiDocument, schema: Schema | undefined): boolean {
  if (!schema) return true;
  const resolved = resolve(document, schema);
  if (['oneOf', 'anyOf', 'allOf'].some((key) => Array.isArray(resolved[key]) && (resolved[key] as Schema[]).length > 0)) return false;
  if (Array.isArray(resolved.enum)) return false;
  if (resolved.type === 'object') {
    const properties = resolved.properties as Record<string, Schema> | undefined;
    return !(properties && Object.keys(properties).length > 0) && !resolved.additionalProperties;
  }
  if (resolved.type === 'array') return isEmpty(document, resolved.items as Schema | undefined);
  return typeof resolved.type !== 'string';
}

function operations(document: ApiDocument): { name: string; operation: Operation }[] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, operation })),
  );
}

/**
 * OpenAPI 3.0 writes "null allowed" as `nullable: true`; JSON Schema (ajv) as a `null` type: the schema is rewritten
 * for ajv, everything else unchanged.
 */
function asJsonSchema(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asJsonSchema);
  if (!value || typeof value !== 'object') return value;
  const { nullable, ...rest } = value as Schema;
  const converted = Object.fromEntries(Object.entries(rest).map(([key, inner]) => [key, asJsonSchema(inner)]));
  return nullable === true ? { anyOf: [converted, { type: 'null' }] } : converted;
}

/** The JSON answer schema an operation declares for a success status. */
function answerSchema(document: ApiDocument, method: string, path: string, status: number): Schema {
  const operation = document.paths[path]?.[method.toLowerCase()];
  if (!operation) throw new Error(`${method} ${path} is not in the document`);
  const schema = operation.responses[String(status)]?.content?.['application/json']?.schema;
  if (!schema) throw new Error(`${method} ${path} declares no JSON answer for ${status}`);
  return schema;
}

describe('OpenAPI document (/api/docs-json)', () => {
  let platform: TestPlatform;
  let document: ApiDocument;

  beforeAll(async () => {
    // API and worker: the desk routes need a conversation routed to an agent.
    platform = await startPlatform({ AUTH_LOGIN_ATTEMPTS_PER_MINUTE: '200' });
    const response = await fetch(`${platform.url}/api/docs-json`);
    expect(response.status).toBe(200);
    document = (await response.json()) as ApiDocument;
  });
  afterAll(async () => {
    await platform?.close();
  });

  it('is a valid OpenAPI document according to the validator, which rejects a broken one', async () => {
    expect(document.openapi).toMatch(/^3\./);
    const verdict = await validate(document);
    expect(verdict).toEqual({ valid: true });
    const broken = { ...document, paths: { ...document.paths, '/api/broken': { get: { responses: 'none' } } } };
    expect((await validate(broken)).valid).toBe(false);
  });

  it('gives every request body a schema, webhooks included', () => {
    const withBody = operations(document).filter(({ operation }) => operation.requestBody);
    expect(withBody.length).toBeGreaterThanOrEqual(36);
    const empty = withBody
      .filter(({ operation }) => isEmpty(document, operation.requestBody!.content['application/json']?.schema))
      .map(({ name }) => name);
    expect(empty).toEqual([]);
    const webhooks = ['POST /webhooks/facebook', 'POST /webhooks/twitter', 'POST /webhooks/botframework'];
    expect(webhooks.filter((name) => !withBody.some((op) => op.name === name))).toEqual([]);
  });

  it('derives request schemas from the validation rules the API enforces', async () => {
    const reply = resolve(document, document.paths['/api/conversations/{id}/messages'].post.requestBody!.content['application/json'].schema);
    expect(reply.required).toEqual(expect.arrayContaining(['clientMessageId', 'text']));
    expect((reply.properties as Record<string, Schema>).text).toMatchObject({ type: 'string', minLength: 1, maxLength: 4000 });
    // The same rule, enforced: a text above the documented maximum is refused.
    const login = resolve(document, document.paths['/api/auth/login'].post.requestBody!.content['application/json'].schema);
    expect(Object.keys(login.properties as object)).toEqual(expect.arrayContaining(['login', 'password']));
    const refused = await fetch(`${platform.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'x', password: 'y', unexpected: true }),
    });
    expect(refused.status).toBe(400);
    expect(reply.additionalProperties === false || reply.additionalProperties === undefined).toBe(true);
  });

  it('gives every operation a success answer: a JSON schema, unless it declares a file, a text, a redirect or no body', () => {
    const described = operations(document).map(({ name, operation }) => {
      const successes = Object.entries(operation.responses).filter(([status]) => /^[23]/.test(status));
      const declared = successes.some(([status, response]) => {
        if (status === '204' || status === '302') return !response.content;
        const content = response.content ?? {};
        const json = content['application/json'];
        if (json) return !isEmpty(document, json.schema);
        return Object.keys(content).length > 0;
      });
      return { name, declared, successes: successes.map(([status]) => status) };
    });
    expect(described.length).toBeGreaterThanOrEqual(100);
    // The one success with no body at all: Bot Connector wants a 200 and reads nothing.
    const withoutAnswer = described.filter(({ declared }) => !declared).map(({ name }) => name);
    expect(withoutAnswer).toEqual(['POST /webhooks/botframework']);
    expect(document.paths['/webhooks/botframework'].post.responses['200']).toMatchObject({ description: expect.stringContaining('no body') });
    // File and text answers name their media type; the webhooks' answers are described too.
    expect(Object.keys(document.paths['/api/reports.csv'].get.responses['200'].content!)).toEqual(['text/csv']);
    expect(Object.keys(document.paths['/api/reports/{id}/pdf'].get.responses['200'].content!)).toEqual(['application/pdf']);
    expect(Object.keys(document.paths['/webhooks/facebook'].get.responses['200'].content!)).toEqual(['text/plain']);
    expect(isEmpty(document, answerSchema(document, 'POST', '/webhooks/facebook', 200))).toBe(false);
    expect(isEmpty(document, answerSchema(document, 'GET', '/webhooks/twitter', 200))).toBe(false);
    expect(document.paths['/api/auth/logout'].post.responses['204'].content).toBeUndefined();
    expect(Object.keys(document.paths['/api/auth/oidc/start'].get.responses).sort()).toEqual(['302', 'default']);
    // Every operation says what its errors look like.
    const withoutError = operations(document).filter(({ operation }) => !(operation.responses.default?.content?.['application/json']?.schema));
    expect(withoutError.map(({ name }) => name)).toEqual([]);
  });

  describe('real answers', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const checked = new Set<string>();

    /** Calls a real route and checks its real JSON answer against the schema the served document gives it. */
    async function call(token: string | null, method: string, path: string, documented: string, status: number, body?: unknown) {
      const response = await fetch(`${platform.url}${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      expect({ route: `${method} ${path}`, status: response.status }).toEqual({ route: `${method} ${path}`, status });
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      const answer = JSON.parse(text) as unknown;
      const route = `${method} ${documented}`;
      expect(verdict(answerSchema(document, method, documented, status), answer, route)).toEqual({ route, errors: [] });
      checked.add(`${method} ${documented}`);
      return answer as Record<string, unknown> & unknown[];
    }

    function verdict(schema: Schema, answer: unknown, route = '') {
      const validate = ajv.compile({ ...(asJsonSchema(schema) as Schema), components: asJsonSchema({ ...document.components }) });
      const valid = validate(answer);
      const errors = valid ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message} ${JSON.stringify(error.params)}`);
      return route ? { route, errors } : { route: expect.any(String), errors };
    }

    async function signedIn(role: 'agent' | 'supervisor' | 'admin') {
      const agent = await createAgent(platform.dataSource, { role });
      return { agent, token: await login(platform.url, agent.login, TEST_PASSWORD) };
    }

    beforeAll(async () => {
      await resetDatabase(platform.dataSource);
    });

    it('validates the real answers of desk, admin, supervisor, knowledge base, reports and auth routes', async () => {
      const admin = await signedIn('admin');
      const supervisor = await signedIn('supervisor');
      const desk = await signedIn('agent');

      // Auth
      const signIn = await call(null, 'POST', '/api/auth/login', '/api/auth/login', 200, { login: desk.agent.login, password: TEST_PASSWORD });
      expect(signIn.accessToken).toEqual(expect.any(String));
      await call(desk.token, 'GET', '/api/me', '/api/me', 200);
      await call(null, 'GET', '/api/auth/methods', '/api/auth/methods', 200);
      await call(desk.token, 'PUT', '/api/me/presence', '/api/me/presence', 200, { presence: 'available' });

      // Desk: a citizen writes, the conversation is routed to the available agent.
      const citizen = await connectCitizen(platform.url);
      try {
        await citizen.log.waitFor('session');
        const sent = (await citizen.socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text: 'On m’a volé mon vélo devant la gare' })) as Ack;
        expect(sent.ok).toBe(true);
        let mine: unknown[] = [];
        // Routing is the worker's: give it room on a busy machine.
        for (const deadline = Date.now() + 30_000; mine.length === 0 && Date.now() < deadline; ) {
          mine = await call(desk.token, 'GET', '/api/desk/conversations', '/api/desk/conversations', 200);
          if (mine.length === 0) await new Promise((resolve) => setTimeout(resolve, 200));
        }
        expect(mine).toHaveLength(1);
        const id = (mine[0] as { id: string }).id;
        await call(desk.token, 'GET', `/api/conversations/${id}`, '/api/conversations/{id}', 200);
        await call(desk.token, 'POST', `/api/conversations/${id}/messages`, '/api/conversations/{id}/messages', 201, { clientMessageId: newClientMessageId(), text: 'Bonjour, je suis le gendarme Paul.' });
        await call(desk.token, 'POST', `/api/conversations/${id}/notes`, '/api/conversations/{id}/notes', 201, { clientMessageId: newClientMessageId(), text: 'Vol de vélo, gare.' });
        await call(desk.token, 'PUT', `/api/conversations/${id}/tags`, '/api/conversations/{id}/tags', 200, { tags: ['vol'] });
        await call(desk.token, 'GET', `/api/conversations/${id}/contact-history`, '/api/conversations/{id}/contact-history', 200);
        await call(desk.token, 'GET', `/api/desk/knowledge/conversations/${id}`, '/api/desk/knowledge/conversations/{id}', 200);
        await call(desk.token, 'GET', '/api/canned-replies', '/api/canned-replies', 200);
        await call(desk.token, 'GET', '/api/desk/colleagues', '/api/desk/colleagues', 200);
        await call(desk.token, 'GET', '/api/interface', '/api/interface', 200);

        // Supervisor, while the conversation is open.
        await call(supervisor.token, 'GET', '/api/supervisor/queue', '/api/supervisor/queue', 200);
        const agents = await call(supervisor.token, 'GET', '/api/supervisor/agents', '/api/supervisor/agents', 200);
        expect(agents.length).toBeGreaterThanOrEqual(1);
        await call(supervisor.token, 'GET', '/api/supervisor/routing', '/api/supervisor/routing', 200);
        await call(supervisor.token, 'GET', '/api/supervisor/roster', '/api/supervisor/roster', 200);
        await call(supervisor.token, 'GET', '/api/supervisor/surge', '/api/supervisor/surge', 200);
        await call(admin.token, 'GET', '/api/admin/quarantine', '/api/admin/quarantine', 200);
        await call(desk.token, 'POST', `/api/conversations/${id}/close`, '/api/conversations/{id}/close', 201, { outcome: 'renseigné' });
      } finally {
        citizen.socket.disconnect();
      }

      // Administration
      const created = await call(admin.token, 'POST', '/api/admin/agents', '/api/admin/agents', 201, { login: 'adj.martin', displayName: 'Adjudant Martin', role: 'agent' });
      await call(admin.token, 'GET', '/api/admin/agents', '/api/admin/agents', 200);
      await call(admin.token, 'GET', `/api/admin/agents/${(created.agent as { id: string }).id}`, '/api/admin/agents/{id}', 200);
      await call(admin.token, 'GET', '/api/admin/queues', '/api/admin/queues', 200);
      await call(admin.token, 'GET', '/api/admin/channels', '/api/admin/channels', 200);
      await call(admin.token, 'GET', '/api/admin/audit', '/api/admin/audit', 200);
      await call(admin.token, 'GET', '/api/admin/roster?week=2026-12-07', '/api/admin/roster', 200);
      await call(admin.token, 'GET', '/api/admin/canned-replies', '/api/admin/canned-replies', 200);
      await call(admin.token, 'GET', '/api/admin/units', '/api/admin/units', 200);

      // Knowledge base
      const article = await call(admin.token, 'POST', '/api/admin/knowledge/articles', '/api/admin/knowledge/articles', 201, {
        articleKey: 'document-fourriere',
        language: 'fr',
        question: 'Quels sont les horaires de la fourrière municipale ?',
        phrasings: ['heures d’ouverture fourrière'],
        answer: 'Renseignez-vous auprès de la mairie.',
        sources: [{ title: 'Service-Public.fr', url: 'https://www.service-public.fr' }],
        status: 'published',
      });
      await call(admin.token, 'GET', '/api/admin/knowledge/articles', '/api/admin/knowledge/articles', 200);
      await call(admin.token, 'GET', `/api/admin/knowledge/articles/${article.id as string}/versions`, '/api/admin/knowledge/articles/{id}/versions', 200);
      await call(null, 'GET', `/api/knowledge/suggestions?q=${encodeURIComponent('horaires fourrière')}&language=fr`, '/api/knowledge/suggestions', 200);
      await call(desk.token, 'GET', `/api/desk/knowledge/search?q=${encodeURIComponent('fourrière')}`, '/api/desk/knowledge/search', 200);
      await call(supervisor.token, 'GET', '/api/supervisor/knowledge/figures', '/api/supervisor/knowledge/figures', 200);

      // Reports
      const from = new Date(Date.now() - 86_400_000).toISOString();
      const to = new Date(Date.now() + 3_600_000).toISOString();
      await call(supervisor.token, 'GET', `/api/reports?from=${from}&to=${to}`, '/api/reports', 200);
      await call(desk.token, 'GET', '/api/communes?q=rennes', '/api/communes', 200);

      const areas = ['/api/auth/', '/api/desk/', '/api/conversations/', '/api/supervisor/', '/api/admin/', '/api/admin/knowledge/', '/api/knowledge/', '/api/reports'];
      for (const area of areas) expect([...checked].some((route) => route.includes(area))).toBe(true);
      expect(checked.size).toBeGreaterThanOrEqual(30);
    });

    it('refuses an answer that strays from its schema: an undeclared field, a missing or mistyped required one', async () => {
      const admin = await signedIn('admin');
      const schema = answerSchema(document, 'GET', '/api/admin/agents', 200);
      const [agent] = (await call(admin.token, 'GET', '/api/admin/agents', '/api/admin/agents', 200)) as Record<string, unknown>[];
      expect(verdict(schema, [agent]).errors).toEqual([]);
      expect(verdict(schema, [{ ...agent, passwordHash: 'x' }]).errors).toEqual([expect.stringContaining('must NOT have additional properties')]);
      const { login: _login, ...withoutLogin } = agent;
      expect(verdict(schema, [withoutLogin]).errors).toEqual([expect.stringContaining("must have required property 'login'")]);
      expect(verdict(schema, [{ ...agent, capacity: 'four' }]).errors).toEqual([expect.stringContaining('must be number')]);
    });

    it('answers every refusal with the documented error body', async () => {
      const desk = await signedIn('agent');
      const errorSchema = { $ref: '#/components/schemas/ErrorAnswer' };
      const invalid = await fetch(`${platform.url}/api/conversations/${crypto.randomUUID()}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${desk.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ clientMessageId: '!', text: '' }),
      });
      expect(invalid.status).toBe(400);
      const invalidBody = await invalid.json();
      expect(invalidBody).toMatchObject({ messageFr: expect.any(String), fields: expect.any(Array) });
      expect(verdict(errorSchema, invalidBody).errors).toEqual([]);
      const missing = await fetch(`${platform.url}/api/conversations/${crypto.randomUUID()}`, { headers: { authorization: `Bearer ${desk.token}` } });
      expect(missing.status).toBe(404);
      expect(verdict(errorSchema, await missing.json()).errors).toEqual([]);
      const refused = await fetch(`${platform.url}/api/admin/agents`, { headers: { authorization: `Bearer ${desk.token}` } });
      expect(refused.status).toBe(403);
      expect(verdict(errorSchema, await refused.json()).errors).toEqual([]);
      expect(verdict(errorSchema, { message: 'no status' }).errors).toEqual([expect.stringContaining("required property 'statusCode'")]);
    });
  });
});

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TestPlatform, startPlatform } from '../support/test-platform';

type Schema = Record<string, unknown>;
type Operation = {
  operationId?: string;
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
};
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

describe('OpenAPI document (/api/docs-json)', () => {
  let platform: TestPlatform;
  let document: ApiDocument;

  beforeAll(async () => {
    platform = await startPlatform({}, 'api');
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
});

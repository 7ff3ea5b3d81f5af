import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MESSAGE_METADATA } from '@nestjs/websockets/constants';
import { DeskGateway } from '../../apps/api/src/desk/desk.gateway';
import { connectDesk, login } from '../support/clients';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { RouteInfo, listRoutes } from '../support/routes';
import { TestPlatform, startPlatform } from '../support/test-platform';

/** Routes that authenticate their caller another way (credentials, signatures, tokens of their own) or not at all. */
const EXPECTED_PUBLIC_ROUTES = [
  'GET /health',
  'GET /health/ready',
  'GET /metrics',
  'GET /webhooks/facebook',
  'GET /webhooks/twitter',
  'GET /api/auth/methods',
  'GET /api/auth/oidc/callback',
  'GET /api/auth/oidc/start',
  'GET /api/contact/form',
  'GET /api/interface',
  'GET /api/knowledge/articles/:key',
  'GET /api/knowledge/suggestions',
  'POST /api/auth/login',
  'POST /api/auth/mfa/enrolment',
  'POST /api/auth/mfa/enrolment/confirm',
  'POST /api/auth/mfa/verify',
  'POST /api/auth/oidc/exchange',
  'POST /api/auth/password-reset',
  'POST /api/auth/refresh',
  'POST /api/contact/continue',
  'POST /api/contact/messages',
  'POST /api/knowledge/articles/:key/solved',
  'POST /api/webchat/exit',
  'POST /api/webchat/attachments',
  'GET /api/attachments/:id',
  'POST /webhooks/botframework',
  'POST /webhooks/facebook',
  'POST /webhooks/twitter',
].sort();

const key = (route: RouteInfo) => `${route.method} ${route.path}`;
const concrete = (path: string) => path.replace(/:[A-Za-z]+/g, randomUUID());

describe('authorization matrix: every route, every role', () => {
  let platform: TestPlatform;
  let routes: RouteInfo[];
  const tokens: Record<'agent' | 'supervisor' | 'admin', string> = { agent: '', supervisor: '', admin: '' };

  beforeAll(async () => {
    platform = await startPlatform();
    await resetDatabase(platform.dataSource);
    routes = listRoutes(platform.app);
    for (const role of ['agent', 'supervisor', 'admin'] as const) {
      const agent = await createAgent(platform.dataSource, { role, onShift: false });
      tokens[role] = await login(platform.url, agent.login, TEST_PASSWORD);
    }
  });
  afterAll(async () => {
    await platform?.close();
  });

  async function call(route: RouteInfo, token?: string): Promise<number> {
    const response = await fetch(`${platform.url}${concrete(route.path)}`, {
      method: route.method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: route.method === 'GET' ? undefined : '{}',
    });
    await response.arrayBuffer();
    return response.status;
  }

  it('opens only the reviewed routes to callers without a desk token', () => {
    expect(routes.filter((route) => route.isPublic).map(key).sort()).toEqual(EXPECTED_PUBLIC_ROUTES);
  });

  it('refuses every other route without a token and with a forged one', async () => {
    const guarded = routes.filter((route) => !route.isPublic);
    expect(guarded.length).toBeGreaterThan(20);
    const [header, payload] = tokens.admin.split('.');
    const forged = `${header}.${payload}.${Buffer.from('forged signature').toString('base64url')}`;
    for (const route of guarded) {
      expect([key(route), await call(route)]).toEqual([key(route), 401]);
      expect([key(route), await call(route, forged)]).toEqual([key(route), 401]);
    }
  });

  it('refuses supervisor routes to agents, and admin routes to agents and supervisors', async () => {
    const restricted = routes.filter((route) => route.roles);
    expect(restricted.length).toBeGreaterThan(5);
    for (const route of restricted) {
      for (const role of ['agent', 'supervisor', 'admin'] as const) {
        const status = await call(route, tokens[role]);
        if (route.roles!.includes(role)) expect([key(route), role, status]).not.toEqual([key(route), role, 403]);
        else expect([key(route), role, status]).toEqual([key(route), role, 403]);
      }
    }
  });

  it('gives the queue watch of the supervisor console to supervisors and admins only', async () => {
    for (const role of ['agent', 'supervisor', 'admin'] as const) {
      const { socket } = await connectDesk(platform.url, tokens[role]);
      try {
        const ack = (await socket.emitWithAck('queue:watch', { watch: true })) as { ok: boolean; status?: number };
        expect([role, ack]).toEqual([role, role === 'agent' ? expect.objectContaining({ ok: false, status: 403 }) : { ok: true, data: { watching: true } }]);
      } finally {
        socket.disconnect();
      }
    }
  });

  it('shows agents the active queues’ keys and names only', async () => {
    const response = await fetch(`${platform.url}/api/desk/queues`, { headers: { authorization: `Bearer ${tokens.agent}` } });
    expect(response.status).toBe(200);
    const queues = (await response.json()) as Record<string, unknown>[];
    for (const queue of queues) expect(Object.keys(queue).sort()).toEqual(['key', 'nameEn', 'nameFr']);
  });

  it('lists every desk socket event the clients may send in the written matrix (docs/security.md)', () => {
    const matrix = readFileSync(join(__dirname, '..', '..', 'docs', 'security.md'), 'utf8');
    const prototype = DeskGateway.prototype as unknown as Record<string, unknown>;
    const events = Object.getOwnPropertyNames(prototype)
      .map((name) => (typeof prototype[name] === 'function' ? Reflect.getMetadata(MESSAGE_METADATA, prototype[name] as object) : undefined))
      .filter((event): event is string => typeof event === 'string');
    expect(events).toEqual(expect.arrayContaining(['message:send', 'queue:watch']));
    expect(events.filter((event) => !matrix.includes(`\`${event}\``))).toEqual([]);
  });

  it('lists every route in the written matrix (docs/security.md)', () => {
    const matrix = readFileSync(join(__dirname, '..', '..', 'docs', 'security.md'), 'utf8');
    const missing = routes.map(key).filter((route) => !matrix.includes(`\`${route}\``));
    expect(missing).toEqual([]);
  });
});

import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

/**
 * The architecture checker (`npm run lint:architecture`) run for real, with the committed rules, on small
 * repositories written here: each breaks one rule on purpose and must be refused by name; a clean one must pass.
 */
const run = promisify(execFile);
const repository = join(__dirname, '..', '..');
const depcruise = join(repository, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const RULES = join(repository, '.dependency-cruiser.cjs');

interface Outcome {
  failed: boolean;
  output: string;
}

const roots: string[] = [];

/** Writes a repository of the platform's shape (libs/<name>/src, @brigade/* aliases, the real node_modules). */
function repositoryWith(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'brigade-architecture-'));
  roots.push(root);
  symlinkSync(join(repository, 'node_modules'), join(root, 'node_modules'), 'dir');
  const all = { 'libs/config/src/index.ts': 'export const config = {};\n', ...files };
  // One alias per lib and per entities file, as the platform's tsconfig.json declares them.
  const paths: Record<string, string[]> = {};
  for (const lib of new Set(Object.keys(all).flatMap((path) => /^libs\/([^/]+)\//.exec(path)?.[1] ?? []))) {
    paths[`@brigade/${lib}`] = [`libs/${lib}/src`];
    paths[`@brigade/${lib}/entities`] = [`libs/${lib}/src/entities`];
  }
  const tsconfig = { compilerOptions: { module: 'commonjs', moduleResolution: 'node', baseUrl: './', paths } };
  writeFileSync(join(root, 'tsconfig.json'), JSON.stringify(tsconfig));
  for (const [path, text] of Object.entries(all)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** lint:architecture as package.json runs it, on the repository written at root. */
async function check(root: string): Promise<Outcome> {
  try {
    const { stdout } = await run(process.execPath, [depcruise, '--config', RULES, 'libs'], { cwd: root });
    return { failed: false, output: stdout };
  } catch (error) {
    return { failed: true, output: (error as { stdout?: string }).stdout ?? String(error) };
  }
}

// A dependency-cruiser process per case: on a busy machine that can take longer than the platform tests' default.
jest.setTimeout(120_000);

afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

describe('architecture rules (dependency-cruiser)', () => {
  it('accept libs that follow the layers', async () => {
    const root = repositoryWith({
      'libs/errors/src/index.ts': 'export class NotFoundError extends Error {}\n',
      'libs/conversations/src/index.ts': "import { config } from '@brigade/config';\nimport { NotFoundError } from '@brigade/errors';\nexport const conversations = [config, NotFoundError];\n",
      'libs/routing/src/index.ts': "import { conversations } from '@brigade/conversations';\nexport const routing = conversations;\n",
    });
    const outcome = await check(root);
    expect(outcome.output).toContain('no dependency violations found');
    expect(outcome.failed).toBe(false);
  });

  it('refuse a cycle between two libs even when no file cycle carries it', async () => {
    const root = repositoryWith({
      'libs/conversations/src/entities.ts': 'export class Conversation {}\n',
      'libs/conversations/src/index.ts': "export * from './conversations.service';\n",
      'libs/conversations/src/conversations.service.ts': "import { routing } from '@brigade/routing';\nexport const service = routing;\n",
      'libs/routing/src/index.ts': "import { Conversation } from '@brigade/conversations/entities';\nexport const routing = Conversation;\n",
    });
    const outcome = await check(root);
    expect(outcome.failed).toBe(true);
    expect(outcome.output).toMatch(/no-lib-cycles: libs\/(conversations|routing)\/src →/);
    expect(outcome.output).not.toContain('no-file-cycles');
  });

  it('refuse a cycle between files', async () => {
    const root = repositoryWith({
      'libs/agents/src/index.ts': "export * from './a';\n",
      'libs/agents/src/a.ts': "import { b } from './b';\nexport const a = () => b;\n",
      'libs/agents/src/b.ts': "import { a } from './a';\nexport const b = () => a;\n",
    });
    const outcome = await check(root);
    expect(outcome.failed).toBe(true);
    expect(outcome.output).toContain('no-file-cycles: libs/agents/src/a.ts');
  });

  it.each([
    ['bullmq', "import { Queue } from 'bullmq';\nexport const q = Queue;\n"],
    ['ioredis', "import { Redis } from 'ioredis';\nexport const r = Redis;\n"],
    ['socket.io', "import { Server } from 'socket.io';\nexport const s = Server;\n"],
    ['express', "import express from 'express';\nexport const e = express;\n"],
  ])('refuse a domain lib importing %s', async (_name, text) => {
    const outcome = await check(repositoryWith({ 'libs/routing/src/index.ts': text }));
    expect(outcome.failed).toBe(true);
    expect(outcome.output).toContain('domain-free-of-transports: libs/routing/src/index.ts');
  });

  it('let the infrastructure libs use those packages', async () => {
    const outcome = await check(repositoryWith({ 'libs/queue/src/index.ts': "import { Queue } from 'bullmq';\nexport const q = Queue;\n" }));
    expect(outcome.failed).toBe(false);
  });

  it('refuse a channel adapter importing another channel', async () => {
    const root = repositoryWith({
      'libs/channels/src/index.ts': "export * from './x/x-webhook.parser';\n",
      'libs/channels/src/facebook/facebook-webhook.parser.ts': 'export const isRecord = (v: unknown) => typeof v === "object";\n',
      'libs/channels/src/x/x-webhook.parser.ts': "import { isRecord } from '../facebook/facebook-webhook.parser';\nexport const parse = isRecord;\n",
    });
    const outcome = await check(root);
    expect(outcome.failed).toBe(true);
    expect(outcome.output).toContain('channel-adapters-independent: libs/channels/src/x/x-webhook.parser.ts');
  });

  it('refuse a lib importing an app, a file inside another lib, or the composition libs', async () => {
    const root = repositoryWith({
      'apps/api/src/socket-ack.ts': 'export const ack = 1;\n',
      'libs/database/src/index.ts': 'export const dataSource = 1;\n',
      'libs/contacts/src/helpers.ts': 'export const helper = 1;\n',
      'libs/contacts/src/index.ts': "export * from './helpers';\n",
      'libs/privacy/src/index.ts':
        "import { ack } from '../../../apps/api/src/socket-ack';\nimport { helper } from '../../contacts/src/helpers';\n" +
        "import { dataSource } from '@brigade/database';\nexport const privacy = [ack, helper, dataSource];\n",
    });
    const outcome = await check(root);
    expect(outcome.failed).toBe(true);
    expect(outcome.output).toContain('libs-never-import-apps: libs/privacy/src/index.ts');
    expect(outcome.output).toContain('libs-through-public-entry: libs/privacy/src/index.ts → libs/contacts/src/helpers.ts');
    expect(outcome.output).toContain('domain-not-composition: libs/privacy/src/index.ts');
  });

  it('refuse the infrastructure libs importing a domain lib, and a lib missing from the layer map', async () => {
    const root = repositoryWith({
      'libs/reporting/src/index.ts': 'export interface QueueLoadView { waiting: number }\n',
      'libs/realtime/src/index.ts': "import type { QueueLoadView } from '@brigade/reporting';\nexport type Snapshot = QueueLoadView;\n",
      'libs/newthing/src/index.ts': 'export const thing = 1;\n',
      'libs/audit/src/index.ts': "import { thing } from '@brigade/newthing';\nexport const audit = thing;\n",
    });
    const outcome = await check(root);
    expect(outcome.failed).toBe(true);
    expect(outcome.output).toContain('infrastructure-below-domain: libs/realtime/src/index.ts → libs/reporting/src/index.ts');
    expect(outcome.output).toContain('known-libs-only: libs/audit/src/index.ts → libs/newthing/src/index.ts');
  });
});

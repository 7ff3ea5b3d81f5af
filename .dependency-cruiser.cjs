/**
 * The architecture rules of the platform, checked by `npm run lint:architecture` (part of `npm test`).
 * The layer map they encode is described in docs/architecture.md; change both together.
 *
 * Rules over files, plus one over folders (`no-lib-cycles`, scope 'folder'): a cycle between two libs need not be a
 * cycle between files (lib A's service imports lib B's index while lib B's entity list imports lib A's entities
 * file), so it is looked for between the `libs/<name>/src` folders, each of which holds every file of its lib.
 */

/** Base libs: no platform lib below them, importable by everything. */
const BASE = ['config', 'errors', 'persistence'];
/**
 * Infrastructure libs: they may use Redis, BullMQ, Socket.io, Express; domain libs reach them only through the
 * services and types they export (JobProducer, RealtimePublisher, QueueChangeSignal...).
 */
const INFRASTRUCTURE = ['queue', 'realtime', 'metrics', 'mail'];
/** The business: entities, services and use cases, free of transport and queue libraries. */
const DOMAIN = ['agents', 'audit', 'contacts', 'conversations', 'routing', 'intake', 'channels', 'triage', 'administration', 'privacy', 'reporting', 'knowledge-base', 'unit-reports', 'attachments'];
/** Composition: the DataSource of every lib's entities, and what every process boots with. Above the domain. */
const COMPOSITION = ['database', 'core'];
/** Loopback fakes of the clouds, for tests only. */
const TEST_SUPPORT = ['testing'];

const libs = (names) => `^libs/(${names.join('|')})/`;
const ALL_LIBS = [...BASE, ...INFRASTRUCTURE, ...DOMAIN, ...COMPOSITION, ...TEST_SUPPORT];

/** Packages of transports and queues: what a domain lib must not import itself. */
const INFRASTRUCTURE_PACKAGES = [
  'socket\\.io',
  'socket\\.io-client',
  '@socket\\.io/[^/]+',
  '@nestjs/websockets',
  '@nestjs/platform-socket\\.io',
  'bullmq',
  '@nestjs/bullmq',
  '@bull-board/[^/]+',
  'express',
  '@nestjs/platform-express',
  'ioredis',
];
const packages = (names) => `(^|/)node_modules/(${names.join('|')})/`;

/** Files of the server read by the browser apps too: socket events, the views of the REST answers, the answers' limited Markdown. */
const CONTRACT_FILES = '^libs/(realtime/src/(events|supervisor-views)|reporting/src/reporting-views|knowledge-base/src/markdown)\\.ts$';

const CHANNEL_FOLDERS = '(webchat|facebook|x|botframework|email)';

const FILE_RULES = [
  {
    name: 'libs-never-import-apps',
    comment: 'Apps are thin entry points over the libs; a lib importing an app inverts that.',
    severity: 'error',
    from: { path: '^libs/' },
    to: { path: '^apps/' },
  },
  {
    name: 'no-file-cycles',
    comment: 'A cycle between files makes load order matter (undefined classes at decoration time) and hides a design knot.',
    severity: 'error',
    from: { path: '^(libs|apps)/' },
    to: { circular: true },
  },
  {
    name: 'domain-free-of-transports',
    comment:
      'Domain libs do not import socket.io, BullMQ, Express or ioredis: they use the services of the infrastructure ' +
      'libs (queue, realtime) and stay testable without Redis or sockets.',
    severity: 'error',
    from: { path: libs(DOMAIN) },
    to: { path: packages(INFRASTRUCTURE_PACKAGES) },
  },
  {
    name: 'base-libs-stand-alone',
    comment: 'config, errors and persistence are below everything: they import no other platform lib.',
    severity: 'error',
    from: { path: '^libs/(config|errors|persistence)/' },
    to: { path: '^libs/([^/]+)/', pathNot: '^libs/$1/' },
  },
  {
    name: 'infrastructure-below-domain',
    comment: 'queue, realtime and metrics serve the domain libs, so they never import one (that would be a cycle).',
    severity: 'error',
    from: { path: libs(INFRASTRUCTURE) },
    to: { path: libs([...DOMAIN, ...COMPOSITION, ...TEST_SUPPORT]) },
  },
  {
    name: 'domain-not-composition',
    comment:
      'database lists every entity and core boots every process: both sit above the domain libs. Domain libs use ' +
      '@brigade/persistence for SQL helpers and inject the DataSource.',
    severity: 'error',
    from: { path: libs(DOMAIN) },
    to: { path: libs(COMPOSITION) },
  },
  {
    name: 'production-code-not-test-support',
    comment: 'The loopback fakes of libs/testing are for tests; a process must never start one.',
    severity: 'error',
    from: { path: '^(libs|apps)/', pathNot: `${libs(TEST_SUPPORT)}|\\.spec\\.ts$` },
    to: { path: libs(TEST_SUPPORT) },
  },
  {
    name: 'libs-through-public-entry',
    comment:
      'A lib reaches another lib only through its entry point (@brigade/x) or its entities file ' +
      '(@brigade/x/entities), never a file inside it.',
    severity: 'error',
    from: { path: '^libs/([^/]+)/' },
    to: { path: '^libs/', pathNot: '^libs/($1/|[^/]+/src/(index|entities)\\.ts$)' },
  },
  {
    name: 'channel-adapters-independent',
    comment:
      'Each channel lives in its own folder and imports only the shared channel code, never another channel: ' +
      'adding or removing a channel touches one folder plus its registration.',
    severity: 'error',
    from: { path: `^libs/channels/src/${CHANNEL_FOLDERS}/` },
    to: { path: `^libs/channels/src/${CHANNEL_FOLDERS}/`, pathNot: '^libs/channels/src/$1/' },
  },
  {
    name: 'web-apps-import-only-contract-files',
    comment:
      'The browser apps share the server\'s contract (socket events, REST views): these files only, so that no ' +
      'server code ends up in a bundle.',
    severity: 'error',
    from: { path: '^apps/(desk|widget)/web/' },
    to: { path: '^libs/', pathNot: CONTRACT_FILES },
  },
  {
    name: 'contract-files-self-contained',
    comment: 'The contract files are bundled into the browser apps: they import nothing but each other.',
    severity: 'error',
    from: { path: CONTRACT_FILES },
    to: { pathNot: CONTRACT_FILES },
  },
  {
    name: 'known-libs-only',
    comment: 'Every lib has a place in the layer map above (and in docs/architecture.md): add a new one there first.',
    severity: 'error',
    from: { path: '^(libs|apps)/' },
    to: { path: '^libs/', pathNot: libs(ALL_LIBS) },
  },
];

const FOLDER_RULES = [
  {
    name: 'no-lib-cycles',
    comment:
      'Libs form a layered graph: with a cycle between libs neither can be understood, tested or changed alone. Move ' +
      'the shared piece to the lib that owns the concept, invert the dependency through an interface or a token, or ' +
      'emit an event.',
    severity: 'error',
    scope: 'folder',
    from: { path: '^libs/[^/]+/src$' },
    to: { path: '^libs/[^/]+/src$', circular: true },
  },
];

const OPTIONS = {
  doNotFollow: { path: 'node_modules' },
  // Only the build output at the root: packages keep their own dist/ folders (bullmq, socket.io), which must be seen.
  exclude: { path: '^(dist|coverage|test-artifacts)/' },
  // Type-only imports count: they tie the libs together as much as the others.
  tsPreCompilationDeps: true,
  // Folder-level dependencies (and so the folder rule above) are only derived with metrics on.
  metrics: true,
  tsConfig: { fileName: 'tsconfig.json' },
  enhancedResolveOptions: {
    exportsFields: ['exports'],
    conditionNames: ['import', 'require', 'node', 'default', 'types'],
    extensions: ['.ts', '.tsx', '.d.ts', '.js', '.cjs', '.mjs', '.json'],
  },
};

module.exports = { forbidden: [...FILE_RULES, ...FOLDER_RULES], options: OPTIONS };

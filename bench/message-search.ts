/**
 * Desk full-text search on 1,000,000 generated messages across 100,000 conversations: p50 / p95 / p99 of searches
 * (common words, rare words, several words, with and without filters, as an agent and as a supervisor) through the
 * application's MessageSearchService (access audit included), then the cost of one message INSERT with and without
 * the search column and index. Target: p95 < 200 ms.
 *
 *   npm run bench:search   (SEARCH_BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/brigade_bench_search;
 *                           SEARCH_BENCH_CONVERSATIONS, default 100000, ten messages each; SEARCH_BENCH_ROUNDS, default 3;
 *                           SEARCH_BENCH_REUSE=true measures again on the database a previous run generated, migrated)
 */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { AgentPrincipal } from '@brigade/agents';
import { AuditService } from '@brigade/audit';
import { MessageSearchQuery, MessageSearchService } from '@brigade/conversations';
import { dataSourceOptions, runMigrations } from '@brigade/database';
import { LatencySummary, summarise } from './bench-stats';

const URL_ = process.env.SEARCH_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/brigade_bench_search';
const CONVERSATIONS = Number(process.env.SEARCH_BENCH_CONVERSATIONS ?? 100_000);
const MESSAGES_PER_CONVERSATION = 10;
const ROUNDS = Number(process.env.SEARCH_BENCH_ROUNDS ?? 3);
const REUSE = process.env.SEARCH_BENCH_REUSE === 'true';
const AGENTS = 200;
const SUPERVISORS = 10;
const TARGET_P95_MS = 200;
const INSERTS = 3000;

// What citizens and gendarmes write, in the words of the Brigade numérique's public reporting (French mostly, some
// English). Each message is one or two of these, sometimes with a place, sometimes with a rare sentence. Citizens tell
// the same facts in their own way: what was stolen and where vary ({objet}, {lieu}; {item}, {spot} in English), and some
// give a time or a phone number, so that words meet in proportions closer to real messages' rather than always together (a
// benchmark of identical sentences would fool PostgreSQL's estimates more than real texts do). Gendarmes' replies are
// canned replies, repeated word for word, as on the desk.
const OBJETS = ['vélo', 'scooter', 'téléphone', 'sac à main', 'portefeuille', 'ordinateur portable', 'vélo électrique', 'trousseau de clés'];
const LIEUX = ['devant la gare', 'au marché', 'dans le bus', 'sur le parking du supermarché', 'à la plage', 'devant mon travail', 'au stade', 'devant la gare routière'];
const ITEMS = ['bike', 'phone', 'wallet', 'bag', 'laptop', 'scooter'];
const SPOTS = ['near the train station', 'at the market', 'on the bus', 'in the car park', 'at the beach', 'outside my hotel'];
const CITIZEN_FR = [
  "Bonjour, je voudrais porter plainte pour le vol de mon {objet} {lieu}",
  "On m'a volé mon {objet} {lieu} ce matin",
  'Ma voiture a été fracturée cette nuit sur le parking de la résidence',
  "Je reçois des messages de menaces d'un ancien compagnon, j'ai peur",
  "Mon voisin fait du bruit toutes les nuits, que puis-je faire ?",
  "J'ai été victime d'une escroquerie sur un site de petites annonces",
  "Comment faire une procuration pour voter ?",
  "Je souhaite signaler un véhicule suspect qui tourne dans le quartier",
  "Quelqu'un utilise ma carte bancaire sans mon accord",
  "Mon fils a disparu depuis hier soir, il ne répond plus",
  "Je voudrais des renseignements sur le recrutement dans la gendarmerie",
  "Des jeunes squattent le hall de l'immeuble et dégradent les boîtes aux lettres",
  "J'ai perdu mes papiers d'identité, dois-je faire une déclaration ?",
  "Mon ex-mari me harcèle au téléphone et devant mon travail",
  "Un chien errant a mordu ma fille dans le parc",
  "Je pense qu'on a cambriolé la maison de mes voisins partis en vacances",
  "Est-ce que je peux déposer une pré-plainte en ligne ?",
  "Un automobiliste m'a percuté et il est parti sans laisser ses coordonnées",
  "J'ai reçu un faux SMS de livraison avec un lien bizarre",
  "Ma mère âgée a reçu la visite de faux agents des eaux",
  'Il y a un accident sur la route départementale, pas de blessé',
  "Je voudrais savoir où en est ma plainte déposée le mois dernier",
  "Des feux d'artifice sont tirés tous les soirs près des maisons",
  "Mon conjoint est violent quand il boit, je ne sais pas quoi faire",
  "On a tagué la façade de mon commerce",
];
const CITIZEN_EN = [
  'Hello, my {item} was stolen {spot} yesterday',
  'I lost my passport while travelling, what should I do?',
  'Someone broke into my car and took my laptop',
  'I am receiving threatening messages from an unknown number',
  'My {item} was stolen {spot} this morning',
  'How can I report a scam website?',
  'There is a suspicious person walking around the school',
  'I need a police report for my insurance company',
];
const AGENT_FR = [
  "Bonjour, je suis le gendarme Martin de la Brigade numérique, je vous écoute",
  "Pouvez-vous me préciser la date et le lieu des faits ?",
  "Je vous invite à déposer plainte auprès de la brigade la plus proche de chez vous",
  "En cas de danger immédiat, composez le 17 ou le 112",
  "Avez-vous relevé l'immatriculation du véhicule ?",
  "Je transmets votre signalement à l'unité territoriale de votre commune",
  "Vous pouvez faire une pré-plainte en ligne sur le site du ministère de l'Intérieur",
  "Conservez les messages reçus, ils serviront de preuves",
  "Une patrouille va passer dans votre secteur",
  "Faites opposition auprès de votre banque sans attendre",
  "Je vous remercie pour ces précisions",
  "Votre demande est bien enregistrée, bonne journée",
];
const AGENT_EN = [
  'Hello, I am a gendarme of the digital brigade, how can I help you?',
  'Please go to the nearest gendarmerie station to file a complaint',
  'Could you give me the exact address where it happened?',
  'In an emergency, call 112',
];
const PLACES = [
  'Rennes', 'Quimper', 'Vannes', 'Saint-Malo', 'Brest', 'Lorient', 'Fougères', 'Vitré', 'Dinan', 'Lannion', 'Morlaix',
  'Pontivy', 'Redon', 'Auray', 'Concarneau', 'Douarnenez', 'Guingamp', 'Paimpol', 'Ploërmel', 'Carhaix', 'Landerneau',
  'Châteaulin', 'Loudéac', 'Montfort', 'Combourg', 'Bain-de-Bretagne', 'Cesson-Sévigné', 'Bruz', 'Betton', 'Pacé',
];
/** Each in about 0.05 % of the messages: the rare-word searches look for these. */
const RARE = [
  'Il a pris ma débroussailleuse dans le cabanon',
  'Une trottinette électrique a été abandonnée dans le lavoir',
  "Je suis victime d'usurpation d'identité sur un réseau social",
  "Ils ont siphonné le gazole du tracteur",
  'Un essaim de frelons asiatiques bloque le passage',
  'Mon catamaran a été dérobé au port de plaisance',
  'The thief took my saxophone from the van',
  'Quelqu’un a volé les ruches de mon apiculteur de voisin',
];
const QUEUES = ['general', 'general', 'general', 'offence', 'offence', 'violence', 'recruitment'];
const CHANNELS = ['webchat', 'webchat', 'webchat', 'facebook', 'facebook', 'x'];
const TAGS = ['vol', 'escroquerie', 'violences', 'bruit', 'procuration', 'disparition', 'suivi', 'route'];

const sqlArray = (values: string[]) => `ARRAY[${values.map((value) => `'${value.replace(/'/g, "''")}'`).join(', ')}]::text[]`;

async function recreateDatabase(): Promise<void> {
  const admin = new URL(URL_);
  const name = admin.pathname.slice(1);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await client.query(`CREATE DATABASE "${name}"`);
  await client.end();
  await runMigrations(URL_);
}

async function timed<T>(label: string, run: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await run();
  console.log(`${label}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

/** Agents (a few supervisors), then contacts, identities and conversations, then the messages, all with INSERT ... SELECT. */
async function generate(db: DataSource): Promise<void> {
  await db.query(
    `INSERT INTO agents (login, display_name, role, skills, password_hash)
     SELECT 'bench-' || n, 'Gendarme ' || n, CASE WHEN n <= ${SUPERVISORS} THEN 'supervisor' ELSE 'agent' END,
            CASE n % 3 WHEN 0 THEN ARRAY['general'] WHEN 1 THEN ARRAY['general', 'offence'] ELSE ARRAY['violence', 'general'] END,
            'not-a-hash'
       FROM generate_series(1, ${AGENTS}) n`,
  );
  await timed('contacts, identities, conversations', async () => {
    await db.query(
      `INSERT INTO contacts (id, display_name, pseudonym)
       SELECT md5('contact' || n)::uuid, 'Citoyen ' || n, 'Citoyen-' || n FROM generate_series(1, ${CONVERSATIONS}) n`,
    );
    await db.query(
      `INSERT INTO channel_identities (id, contact_id, channel, external_id)
       SELECT md5('identity' || n)::uuid, md5('contact' || n)::uuid, (${sqlArray(CHANNELS)})[1 + n % ${CHANNELS.length}], 'ext-' || n
         FROM generate_series(1, ${CONVERSATIONS}) n`,
    );
    // Over the last year: 95 % closed, 3 % assigned, 1.8 % abandoned, 200 waiting now; one agent in 200 per
    // conversation; 20 % tagged.
    await db.query(
      `INSERT INTO conversations (id, contact_id, identity_id, channel, status, queue, language, assignee_id, tags,
                                  created_at, waiting_since, assigned_at, closed_at)
       SELECT md5('conversation' || n)::uuid, md5('contact' || n)::uuid, md5('identity' || n)::uuid,
              (${sqlArray(CHANNELS)})[1 + n % ${CHANNELS.length}],
              CASE WHEN n % 100 < 95 THEN 'closed' WHEN n % 100 < 98 THEN 'assigned' WHEN n % 1000 >= 998 THEN 'waiting'
                   ELSE 'abandoned' END,
              (${sqlArray(QUEUES)})[1 + (n / 7) % ${QUEUES.length}],
              CASE WHEN n % 8 = 0 THEN 'en' ELSE 'fr' END,
              CASE WHEN n % 100 < 98 THEN (SELECT id FROM agents WHERE login = 'bench-' || (1 + n % ${AGENTS})) END,
              CASE WHEN n % 5 = 0 THEN ARRAY[(${sqlArray(TAGS)})[1 + (n / 5) % ${TAGS.length}]] ELSE '{}' END,
              at, at, at + interval '1 minute', CASE WHEN n % 100 < 95 THEN at + interval '30 minutes' END
         FROM generate_series(1, ${CONVERSATIONS}) n,
              LATERAL (SELECT now() - (n::float / ${CONVERSATIONS}) * interval '365 days' AS at) t`,
    );
  });
  await db.query(`DROP INDEX ix_messages_search`);
  const batch = 10_000;
  await timed(`${CONVERSATIONS * MESSAGES_PER_CONVERSATION} messages`, async () => {
    for (let first = 1; first <= CONVERSATIONS; first += batch) {
      const last = Math.min(CONVERSATIONS, first + batch - 1);
      // Message 0 is the system's acknowledgement; then citizen and gendarme alternate. hashint gives stable choices.
      await db.query(
        `INSERT INTO messages (conversation_id, channel, direction, author_type, author_agent_id, text, delivery_status, created_at)
         SELECT c.id, c.channel,
                CASE WHEN i = 0 OR i % 2 = 0 THEN 'outbound' ELSE 'inbound' END,
                CASE WHEN i = 0 THEN 'system' WHEN i % 2 = 1 THEN 'citizen' ELSE 'agent' END,
                CASE WHEN i > 0 AND i % 2 = 0 THEN c.assignee_id END,
                CASE
                  WHEN i = 0 THEN 'Votre message est bien reçu, un gendarme va vous répondre.'
                  WHEN i % 2 = 1 THEN
                    CASE WHEN c.language = 'en'
                         THEN replace(replace((${sqlArray(CITIZEN_EN)})[1 + h % ${CITIZEN_EN.length}],
                                '{item}', (${sqlArray(ITEMS)})[1 + (h / 11) % ${ITEMS.length}]),
                                '{spot}', (${sqlArray(SPOTS)})[1 + (h / 13) % ${SPOTS.length}])
                         ELSE replace(replace((${sqlArray(CITIZEN_FR)})[1 + h % ${CITIZEN_FR.length}],
                                '{objet}', (${sqlArray(OBJETS)})[1 + (h / 11) % ${OBJETS.length}]),
                                '{lieu}', (${sqlArray(LIEUX)})[1 + (h / 13) % ${LIEUX.length}]) END
                    -- A time, or a phone number to call back (words of their own, as in real messages: the index holds many such).
                    || CASE (h / 17) % 5 WHEN 0 THEN ', vers ' || (h / 19) % 24 || 'h' || lpad(((h / 23) % 60)::text, 2, '0')
                                         WHEN 1 THEN ', joignable au 06 ' || lpad(((h / 29) % 100)::text, 2, '0') || ' '
                                                     || lpad(((h / 31) % 10000)::text, 4, '0')
                                         ELSE '' END
                    || CASE WHEN h % 3 = 0 THEN ' à ' || (${sqlArray(PLACES)})[1 + (h / 7) % ${PLACES.length}] ELSE '' END
                    || CASE WHEN h % 2000 < ${RARE.length} THEN '. ' || (${sqlArray(RARE)})[1 + h % 2000] ELSE '' END
                  ELSE
                    CASE WHEN c.language = 'en' THEN (${sqlArray(AGENT_EN)})[1 + h % ${AGENT_EN.length}]
                         ELSE (${sqlArray(AGENT_FR)})[1 + h % ${AGENT_FR.length}] END
                END,
                'delivered', c.created_at + i * interval '2 minutes'
           FROM conversations c
           JOIN generate_series(${first}, ${last}) n ON c.id = md5('conversation' || n)::uuid
           CROSS JOIN generate_series(0, ${MESSAGES_PER_CONVERSATION - 1}) i
           CROSS JOIN LATERAL (SELECT abs(hashint4(n * 16 + i)) AS h) r`,
      );
    }
  });
  // As the MessageSearch migration creates it (built once after the load: faster than a million insertions).
  await timed('GIN index', () =>
    db.query(`CREATE INDEX "ix_messages_search" ON "messages" USING gin ("search_vector") WITH (gin_pending_list_limit = 512)`),
  );
  await timed('VACUUM ANALYZE', () => db.query(`VACUUM ANALYZE`));
}

interface SearchCase {
  kind: string;
  query: MessageSearchQuery;
}

function searchCases(since: Date): SearchCase[] {
  const cases: SearchCase[] = [];
  const add = (kind: string, texts: string[], extra: Partial<MessageSearchQuery> = {}) =>
    texts.forEach((text) => cases.push({ kind, query: { text, ...extra } }));
  add('common word', ['plainte', 'vol', 'véhicule', 'voiture', 'gendarmerie', 'stolen', 'téléphone', 'harcèle']);
  add('rare word', ['débroussailleuse', 'trottinette', 'usurpation', 'frelons', 'catamaran', 'saxophone', 'ruches', 'gazole']);
  add('several words', ['vol vélo gare', 'faux agents des eaux', 'messages de menaces', 'bike stolen station', 'carte bancaire accord', 'plainte Rennes']);
  add('common word + queue', ['plainte', 'vol', 'menaces'], { queue: 'violence' });
  add('common word + channel', ['plainte', 'vol', 'escroquerie'], { channel: 'facebook' });
  add('common word + last 30 days', ['plainte', 'vol', 'voiture'], { from: since });
  add('common word + tag', ['plainte', 'vol', 'téléphone'], { tag: 'escroquerie' });
  add('rare word + last 30 days', ['trottinette', 'usurpation'], { from: since });
  return cases;
}

async function measureSearches(db: DataSource): Promise<Record<string, LatencySummary & { hitsMedian: number }>> {
  const search = new MessageSearchService(db, new AuditService(db));
  const [supervisor] = await db.query(`SELECT id FROM agents WHERE login = 'bench-1'`);
  const [agent] = await db.query(`SELECT id FROM agents WHERE login = 'bench-${SUPERVISORS + 3}'`);
  const principals: Record<string, AgentPrincipal> = {
    supervisor: { agentId: supervisor.id, role: 'supervisor', name: 'Superviseur' },
    agent: { agentId: agent.id, role: 'agent', name: 'Gendarme' },
  };
  const cases = searchCases(new Date(Date.now() - 30 * 86_400_000));
  // One warm-up pass: the first searches read the index from disk.
  for (const principal of Object.values(principals)) for (const c of cases) await search.search(principal, c.query);
  const samples = new Map<string, { ms: number[]; hits: number[] }>();
  const record = (key: string, ms: number, hits: number) => {
    const entry = samples.get(key) ?? { ms: [], hits: [] };
    entry.ms.push(ms);
    entry.hits.push(hits);
    samples.set(key, entry);
  };
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [role, principal] of Object.entries(principals)) {
      for (const c of cases) {
        const started = process.hrtime.bigint();
        const result = await search.search(principal, c.query);
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        record(`${role}: ${c.kind}`, ms, result.hits.length);
        record(`${role}: all`, ms, result.hits.length);
        record('all', ms, result.hits.length);
      }
    }
  }
  const round1 = (value: number | null) => (value === null ? null : Math.round(value * 10) / 10);
  // Each role's kinds, then the role's total, then everything.
  const rank = (key: string) => (key === 'all' ? 2 : key.endsWith(': all') ? 1 : 0);
  const ordered = [...samples.entries()].sort(
    ([a], [b]) => (a.split(':')[0] === b.split(':')[0] ? rank(a) - rank(b) : rank(a) === 2 ? 1 : rank(b) === 2 ? -1 : b.localeCompare(a)),
  );
  return Object.fromEntries(
    ordered.map(([key, { ms, hits }]) => {
      const summary = summarise(ms);
      const sortedHits = [...hits].sort((a, b) => a - b);
      return [
        key,
        { count: summary.count, p50: round1(summary.p50), p95: round1(summary.p95), p99: round1(summary.p99), max: round1(summary.max), hitsMedian: sortedHits[Math.floor(sortedHits.length / 2)] },
      ];
    }),
  );
}

/**
 * Server-side cost of one INSERT of a message (a PL/pgSQL loop of single-row INSERTs, rolled back): as shipped (stored
 * search vector, GIN with fast update), with the GIN index's fast update off, and without the search column at all.
 */
async function measureInserts(db: DataSource): Promise<Record<string, number>> {
  const [conversation] = await db.query(`SELECT id, channel FROM conversations WHERE status = 'assigned' LIMIT 1`);
  const loop = `DO $$ BEGIN FOR n IN 1..${INSERTS} LOOP
      INSERT INTO messages (conversation_id, channel, direction, author_type, text, delivery_status)
      VALUES ('${conversation.id}', '${conversation.channel}', 'inbound', 'citizen',
              (ARRAY['Bonjour, on m''a volé mon vélo devant la gare de Rennes ce matin vers 8 heures',
                     'My wallet was stolen at the market this morning, what should I do?',
                     'Je reçois des messages de menaces depuis trois jours, je ne sais pas quoi faire'])[1 + n % 3] || ' ' || n,
              'received');
    END LOOP; END $$`;
  const variants: Record<string, string[]> = {
    'search column + GIN, fast update with a 512 kB pending list (as shipped)': [],
    'search column + GIN, fast update with the default 4 MB pending list': [`ALTER INDEX ix_messages_search RESET (gin_pending_list_limit)`],
    'search column + GIN, fast update off': [`ALTER INDEX ix_messages_search SET (fastupdate = off)`],
    'no search column nor index': [`ALTER TABLE messages DROP COLUMN search_vector`, `DROP INDEX ix_messages_search_recent`],
  };
  const perInsert: Record<string, number[]> = {};
  for (let round = 0; round < 3; round += 1) {
    for (const [name, setup] of Object.entries(variants)) {
      const runner = db.createQueryRunner();
      await runner.startTransaction();
      try {
        for (const statement of setup) await runner.query(statement);
        const started = process.hrtime.bigint();
        await runner.query(loop);
        (perInsert[name] ??= []).push(Number(process.hrtime.bigint() - started) / 1e3 / INSERTS);
      } finally {
        await runner.rollbackTransaction();
        await runner.release();
      }
    }
  }
  // The rolled-back rows left their entries in the GIN pending list: merged now, so that a next run starts clean.
  await db.query(`SELECT gin_clean_pending_list('ix_messages_search'::regclass)`);
  return Object.fromEntries(Object.entries(perInsert).map(([name, values]) => [name, Math.round([...values].sort((a, b) => a - b)[1])]));
}

async function main(): Promise<void> {
  const loadAtStart = loadavg().map((value) => Math.round(value * 100) / 100);
  await timed('database', () => (REUSE ? runMigrations(URL_).then(() => undefined) : recreateDatabase()));
  const db = new DataSource(dataSourceOptions(URL_, 4));
  await db.initialize();
  try {
    if (!REUSE) await generate(db);
    const [{ messages, size }] = await db.query(
      `SELECT count(*)::int AS messages, pg_size_pretty(pg_total_relation_size('messages')) AS size FROM messages`,
    );
    const [{ index }] = await db.query(`SELECT pg_size_pretty(pg_relation_size('ix_messages_search')) AS index`);
    const latency = await timed('searches', () => measureSearches(db));
    const insertMicroseconds = await timed('inserts', () => measureInserts(db));
    const report = {
      at: new Date().toISOString(),
      conversations: CONVERSATIONS,
      messages,
      messagesTableSize: size,
      searchIndexSize: index,
      latencyMs: latency,
      insertMicroseconds,
      // The machine's load (1, 5, 15 min) at the start and at the end: figures compare only between runs of similar load.
      loadAverage: { start: loadAtStart, end: loadavg().map((value) => Math.round(value * 100) / 100) },
      target: { p95Ms: TARGET_P95_MS },
      met: (latency.all.p95 ?? Infinity) < TARGET_P95_MS,
    };
    mkdirSync(join(__dirname, 'results'), { recursive: true });
    writeFileSync(join(__dirname, 'results', 'message-search.json'), JSON.stringify(report, null, 2) + '\n');
    console.log(`${messages} messages (${size}, search index ${index})`);
    for (const [key, value] of Object.entries(latency)) {
      console.log(`  ${key.padEnd(44)} p50 ${value.p50} ms  p95 ${value.p95} ms  p99 ${value.p99} ms  (n ${value.count}, median hits ${value.hitsMedian})`);
    }
    for (const [key, value] of Object.entries(insertMicroseconds)) console.log(`  insert, ${key}: ${value} µs`);
    console.log(`target p95 < ${TARGET_P95_MS} ms: ${report.met ? 'met' : 'NOT met'}; load average ${report.loadAverage.start.join(' / ')} -> ${report.loadAverage.end.join(' / ')}`);
    if (!report.met) process.exitCode = 1;
  } finally {
    await db.destroy();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

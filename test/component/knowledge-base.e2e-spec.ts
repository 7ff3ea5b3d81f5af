import { KnowledgeSearchService, readSeedArticles } from '@brigade/knowledge-base';
import type { CitizenMessageView } from '@brigade/realtime';
import { FakeBotConnector, FakeGraphApi, FakeXApi, metaWebhookSignature, xWebhookSignature } from '@brigade/testing';
import { LATENCY_TARGET_P95_MS, QUALITY_TARGETS, addFillerArticles, measureLatency, measureQuality } from '../../bench/knowledge-base/evaluate';
import { connectCitizen, login, newClientMessageId } from '../support/clients';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

const APP_SECRET = 'facebook-app-secret-for-the-knowledge-tests';
const PAGE = '700800911';
const X_SECRET = 'x-consumer-secret-for-the-knowledge-tests';
const X_ACCOUNT = '4455667711';
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('knowledge base: articles, versions, import, forgiving search, and the assistant on every channel', () => {
  let platform: TestPlatform;
  let graph: FakeGraphApi;
  let xApi: FakeXApi;
  let connector: FakeBotConnector;
  let admin: { id: string; token: string };
  const sockets: { disconnect(): unknown }[] = [];

  beforeAll(async () => {
    [graph, xApi, connector] = await Promise.all([FakeGraphApi.start(), FakeXApi.start(), FakeBotConnector.start()]);
    platform = await startPlatform({
      NODE_ENV: 'development',
      FACEBOOK_ENABLED: 'true',
      FACEBOOK_APP_SECRET: APP_SECRET,
      FACEBOOK_VERIFY_TOKEN: 'verify-token-for-the-knowledge-tests',
      FACEBOOK_PAGES: `${PAGE}:EAAPageToken`,
      FACEBOOK_GRAPH_BASE_URL: graph.baseUrl,
      X_ENABLED: 'true',
      X_CONSUMER_KEY: 'consumer-key',
      X_CONSUMER_SECRET: X_SECRET,
      X_ACCOUNTS: `${X_ACCOUNT}:token:secret`,
      X_API_BASE_URL: xApi.apiBaseUrl,
      BOTFRAMEWORK_ENABLED: 'true',
    });
    await clearKnowledgeBase();
    await resetDatabase(db());
    const created = await createAgent(db(), { role: 'admin', onShift: false });
    admin = { id: created.id, token: await login(platform.url, created.login, TEST_PASSWORD) };
    const imported = await call('POST', '/api/admin/knowledge/import', admin.token, { format: 'markdown', text: readSeedArticles() });
    expect(imported.status).toBe(200);
    expect(imported.body.errors).toEqual([]);
    // The platform's start and the import of the 138 seed articles (each a version and an audit event) take seconds
    // on a loaded machine.
  }, 120_000);
  afterAll(async () => {
    sockets.splice(0).forEach((socket) => socket.disconnect());
    // Other test files expect the built-in frequent questions of an empty knowledge base.
    await clearKnowledgeBase();
    await platform.close();
    await Promise.all([graph.close(), xApi.close(), connector.close()]);
  });

  const db = () => platform.dataSource;

  async function clearKnowledgeBase(): Promise<void> {
    await db().query(`TRUNCATE knowledge_articles, knowledge_article_versions, knowledge_article_words, knowledge_lexicon, knowledge_editors, knowledge_events CASCADE`);
  }

  async function call(method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; body: Json; text: string }> {
    const response = await fetch(`${platform.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: Json = {};
    try {
      parsed = JSON.parse(text);
    } catch {
      // CSV, Markdown, or an empty answer.
    }
    return { status: response.status, body: parsed, text };
  }

  describe('the seed', () => {
    it('holds at least 60 published articles in French, each translated into English and naming an official https source', async () => {
      const rows = await db().query(
        `SELECT article_key, array_agg(language ORDER BY language) AS languages, bool_and(status = 'published') AS published,
                bool_and(jsonb_array_length(sources) > 0 AND sources->0->>'url' LIKE 'https://%') AS sourced
           FROM knowledge_articles GROUP BY article_key`,
      );
      expect(rows.length).toBeGreaterThanOrEqual(60);
      for (const row of rows) expect([row.article_key, row.languages, row.published, row.sourced]).toEqual([row.article_key, ['en', 'fr'], true, true]);
    });

    it('gives the national helplines where they matter', async () => {
      const answer = async (key: string) => (await db().query(`SELECT answer FROM knowledge_articles WHERE article_key = $1 AND language = 'fr'`, [key]))[0].answer as string;
      expect(await answer('violences-conjugales')).toMatch(/3919/);
      expect(await answer('enfance-en-danger')).toMatch(/119/);
      expect(await answer('urgences-numeros')).toMatch(/17[\s\S]*112[\s\S]*114/);
      expect(await answer('procuration-vote')).toMatch(/maprocuration\.gouv\.fr/);
    });
  });

  describe('search quality on the held-out citizen questions', () => {
    it(`finds the right article in the top 3 for at least ${QUALITY_TARGETS.top3 * 100} % and first for at least ${QUALITY_TARGETS.top1 * 100} %`, async () => {
      const report = await measureQuality(platform.app.get(KnowledgeSearchService));
      expect(report.questions).toBeGreaterThanOrEqual(150);
      expect(report.top3).toBeGreaterThanOrEqual(QUALITY_TARGETS.top3);
      expect(report.top1).toBeGreaterThanOrEqual(QUALITY_TARGETS.top1);
    });

    it('forgives typos and phonetic spelling, and answers in the reader’s language when a translation exists', async () => {
      const search = platform.app.get(KnowledgeSearchService);
      expect((await search.search('procurasion', { limit: 1 }))[0]?.articleKey).toBe('procuration-vote');
      expect((await search.search('operasion tranquilite vacanse', { limit: 1 }))[0]?.articleKey).toBe('tranquillite-vacances');
      const [english] = await search.search('procuration', { language: 'en', limit: 1 });
      expect(english).toMatchObject({ articleKey: 'procuration-vote', language: 'en' });
      expect(await search.search('zzzz qqqq', { limit: 3 })).toEqual([]);
    });
  });

  describe('writing articles', () => {
    const article = {
      articleKey: 'test-fourriere-horaires',
      language: 'fr',
      question: 'Quels sont les horaires de la fourrière municipale ?',
      phrasings: ['heures d’ouverture fourrière'],
      answer: 'Renseignez-vous auprès de la mairie.',
      sources: [{ title: 'Service-Public.fr', url: 'https://www.service-public.fr' }],
      status: 'draft',
    };

    it('versions every change, shows older versions and restores one as a new version, all audited', async () => {
      const created = await call('POST', '/api/admin/knowledge/articles', admin.token, article);
      expect(created.status).toBe(201);
      const id = created.body.id;
      const updated = await call('PATCH', `/api/admin/knowledge/articles/${id}`, admin.token, { answer: 'Appelez la police municipale.', status: 'published' });
      expect(updated.body).toMatchObject({ version: 2, answer: 'Appelez la police municipale.', status: 'published' });
      const versions = await call('GET', `/api/admin/knowledge/articles/${id}/versions`, admin.token);
      expect(versions.body.map((version: Json) => [version.version, version.change, version.snapshot.answer])).toEqual([
        [2, 'update', 'Appelez la police municipale.'],
        [1, 'create', 'Renseignez-vous auprès de la mairie.'],
      ]);
      const restored = await call('POST', `/api/admin/knowledge/articles/${id}/versions/1/restore`, admin.token);
      expect(restored.body).toMatchObject({ version: 3, answer: 'Renseignez-vous auprès de la mairie.', status: 'draft' });
      expect((await call('GET', `/api/admin/knowledge/articles/${id}/versions/3`, admin.token)).body).toMatchObject({ change: 'restore', changedBy: admin.id });
      const audit = await db().query(`SELECT action, details FROM audit_events WHERE subject_id = $1 ORDER BY at, action`, [id]);
      expect(audit.map((row: Json) => row.action)).toEqual(['knowledge.create', 'knowledge.update', 'knowledge.restore']);
      expect(audit[1].details).toMatchObject({ changed: ['answer', 'status'], before: { answer: 'Renseignez-vous auprès de la mairie.', status: 'draft' } });
      expect(audit[2].details).toMatchObject({ restoredFrom: 1, version: 3 });
    });

    it('refuses bad Markdown, and writing by agents without the editor permission; an administrator grants it', async () => {
      const bad = await call('POST', '/api/admin/knowledge/articles', admin.token, { ...article, articleKey: 'test-html', answer: '<script>alert(1)</script>' });
      expect(bad.status).toBe(400);
      const agent = await createAgent(db(), { onShift: false });
      const token = await login(platform.url, agent.login, TEST_PASSWORD);
      const refused = await call('POST', '/api/admin/knowledge/articles', token, { ...article, articleKey: 'test-by-agent' });
      expect(refused.status).toBe(403);
      expect((await call('GET', '/api/admin/knowledge/articles', token)).status).toBe(403);
      expect((await call('PUT', `/api/admin/knowledge/editors/${agent.id}`, token)).status).toBe(403);
      expect((await call('PUT', `/api/admin/knowledge/editors/${agent.id}`, admin.token)).status).toBe(204);
      const allowed = await call('POST', '/api/admin/knowledge/articles', token, { ...article, articleKey: 'test-by-editor' });
      expect(allowed.status).toBe(201);
      expect(allowed.body.ownerAgentId).toBe(agent.id);
      const grant = await db().query(`SELECT actor_id FROM audit_events WHERE action = 'knowledge.editor.grant' AND subject_id = $1`, [agent.id]);
      expect(grant).toEqual([{ actor_id: admin.id }]);
    });

    it('lists every bad line of an import in a dry run and writes nothing; a good file imports, and an export imports back unchanged', async () => {
      const csv = [
        'key,language,question,phrasings,answer,queue,status,sources,review_every_days',
        'test-import-ok,fr,Question correcte pour un test ?,une | deux,Réponse.,general,draft,Service-Public.fr <https://www.service-public.fr>,90',
        'Bad Key,fr,Question correcte pour un test ?,,Réponse.,,draft,,',
        'test-import-lang,xx,Question correcte pour un test ?,,Réponse.,,draft,,',
        'test-import-link,fr,Question correcte pour un test ?,,Voir [ce site](http://exemple.fr).,,published,Lien <http://exemple.fr>,',
        'test-import-ok,fr,Encore la même clé et langue ?,,Réponse.,,draft,,',
      ].join('\n');
      const before = (await db().query(`SELECT count(*)::int AS n FROM knowledge_articles`))[0].n;
      const dry = await call('POST', '/api/admin/knowledge/import', admin.token, { format: 'csv', text: csv, dryRun: true });
      expect(dry.status).toBe(200);
      expect(dry.body.dryRun).toBe(true);
      const lines = [...new Set(dry.body.errors.map((error: Json) => error.line))];
      expect(lines).toEqual([3, 4, 5, 6]);
      expect(dry.body.errors).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ line: 3, field: 'key' }),
          expect.objectContaining({ line: 4, field: 'language' }),
          expect.objectContaining({ line: 5, field: 'answer' }),
          expect.objectContaining({ line: 5, field: 'sources' }),
          expect.objectContaining({ line: 6, field: 'key' }),
        ]),
      );
      const notDry = await call('POST', '/api/admin/knowledge/import', admin.token, { format: 'csv', text: csv });
      expect(notDry.body.errors.length).toBeGreaterThan(0);
      expect((await db().query(`SELECT count(*)::int AS n FROM knowledge_articles`))[0].n).toBe(before);

      const good = await call('POST', '/api/admin/knowledge/import', admin.token, { format: 'csv', text: csv.split('\n').slice(0, 2).join('\n') });
      expect(good.body).toMatchObject({ created: 1, updated: 0, errors: [] });
      for (const format of ['csv', 'markdown']) {
        const exported = await call('GET', `/api/admin/knowledge/export?format=${format}`, admin.token);
        expect(exported.status).toBe(200);
        const again = await call('POST', '/api/admin/knowledge/import', admin.token, { format, text: exported.text, dryRun: true });
        expect(again.body).toMatchObject({ created: 0, updated: 0, errors: [] });
        expect(again.body.unchanged).toBe(before + 1);
      }
    });
  });

  describe('the assistant answers a recognised question with the article and the offer of a gendarme', () => {
    beforeEach(() => graph.reset());

    async function expectStillQueued(channel: string) {
      const [conversation] = await db().query(`SELECT status FROM conversations WHERE channel = $1`, [channel]);
      expect(conversation.status).toBe('waiting');
      const answered = await db().query(`SELECT article_key FROM knowledge_events WHERE kind = 'answered' AND channel = $1`, [channel]);
      expect(answered).toEqual([{ article_key: 'procuration-vote' }]);
    }

    it('on Facebook Messenger, in plain text with the link written out', async () => {
      const body = JSON.stringify({
        object: 'page',
        entry: [{ id: PAGE, time: Date.now(), messaging: [{ sender: { id: 'psid-kb-1' }, recipient: { id: PAGE }, timestamp: Date.now(), message: { mid: 'm_kb_1', text: 'bonjour comment je fais une procurasion pour voter' } }] }],
      });
      const response = await fetch(`${platform.url}/webhooks/facebook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaWebhookSignature(body, APP_SECRET) },
        body,
      });
      expect(response.status).toBe(200);
      await waitUntil(async () => graph.messageSends().some((send) => /maprocuration/.test(send.body.message?.text ?? '')));
      const text = graph.messageSends().find((send) => /maprocuration/.test(send.body.message?.text ?? ''))!.body.message!.text!;
      expect(text).toContain('https://www.maprocuration.gouv.fr');
      expect(text).not.toMatch(/\]\(|\*\*/);
      expect(text).toMatch(/parler à un gendarme/);
      await expectStillQueued('facebook');
    });

    it('on X direct messages', async () => {
      const body = JSON.stringify({
        for_user_id: X_ACCOUNT,
        direct_message_events: [
          { type: 'message_create', id: 'dm-kb-1', created_timestamp: String(Date.now()), message_create: { target: { recipient_id: X_ACCOUNT }, sender_id: '998811', message_data: { text: 'faire une procuration svp' } } },
        ],
        users: { '998811': { id: '998811', name: 'Camille', screen_name: 'cam' } },
      });
      const response = await fetch(`${platform.url}/webhooks/twitter`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': xWebhookSignature(body, X_SECRET) },
        body,
      });
      expect(response.status).toBe(200);
      await waitUntil(async () => (await xApi.dmSends()).some((send) => /maprocuration/.test(JSON.stringify(send)) && /gendarme/.test(JSON.stringify(send))));
      await expectStillQueued('x');
    });

    it('on Bot Framework (Teams, Direct Line)', async () => {
      const response = await fetch(`${platform.url}/webhooks/botframework`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'message',
          id: 'activity-kb-1',
          timestamp: new Date().toISOString(),
          serviceUrl: connector.serviceUrl,
          channelId: 'msteams',
          from: { id: 'teams-user-kb', name: 'Alex' },
          recipient: { id: 'brigade-bot', name: 'Brigade numérique' },
          conversation: { id: 'teams-conv-kb' },
          text: 'Je voudrais voter par procuration',
        }),
      });
      expect(response.status).toBe(200);
      const recorded = await connector.waitForActivity((activity) => /maprocuration/.test(activity.activity.text ?? ''));
      expect(recorded.activity.text).toMatch(/gendarme/);
      await expectStillQueued('botframework');
    });

    it('in the web chat, and says nothing of an article to small talk', async () => {
      const citizen = await connectCitizen(platform.url);
      sockets.push(citizen.socket);
      await citizen.log.waitFor('session');
      await citizen.socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text: 'Bonjour, mon portable a été volé dans le bus, comment le bloquer ?' });
      const answer = await citizen.log.waitFor<CitizenMessageView>('message', (m) => m.author === 'system' && /IMEI/.test(m.text));
      expect(answer.text).toMatch(/gendarme/);
      await citizen.socket.emitWithAck('message:send', { clientMessageId: newClientMessageId(), text: 'merci' });
      await new Promise((resolve) => setTimeout(resolve, 500));
      const answered = await db().query(`SELECT article_key FROM knowledge_events WHERE kind = 'answered' AND channel = 'webchat'`);
      expect(answered).toEqual([{ article_key: 'telephone-vole' }]);
    });
  });

  describe('citizens in the widget, gendarmes in the desk, figures for supervisors', () => {
    it('offers up to three articles, opens one, counts views, questions solved and searches without result', async () => {
      const suggestions = await call('GET', `/api/knowledge/suggestions?q=${encodeURIComponent('on ma vole mon velo')}&language=fr`, null);
      expect(suggestions.status).toBe(200);
      expect(suggestions.body.length).toBeLessThanOrEqual(3);
      expect(suggestions.body[0]).toMatchObject({ articleKey: 'velo-vole', language: 'fr' });
      const opened = await call('GET', '/api/knowledge/articles/velo-vole?language=en', null);
      expect(opened.body).toMatchObject({ articleKey: 'velo-vole', language: 'en', question: 'My bike was stolen' });
      expect((await call('POST', '/api/knowledge/articles/velo-vole/solved?language=en', null)).status).toBe(204);
      expect((await call('GET', `/api/knowledge/suggestions?q=${encodeURIComponent('xylophone quantique')}&final=true`, null)).body).toEqual([]);

      const supervisor = await createAgent(db(), { role: 'supervisor', onShift: false });
      const token = await login(platform.url, supervisor.login, TEST_PASSWORD);
      const figures = await call('GET', '/api/supervisor/knowledge/figures', token);
      expect(figures.status).toBe(200);
      expect(figures.body.days).toEqual(expect.arrayContaining([expect.objectContaining({ language: 'en', viewed: 1, solved: 1 })]));
      expect(figures.body.noResult).toEqual([expect.objectContaining({ query: 'xylophone quantique', count: 1 })]);
      const csv = await call('GET', '/api/supervisor/knowledge/figures.csv', token);
      expect(csv.text).toMatch(/recherche sans résultat,.*xylophone quantique/);
      const agent = await createAgent(db(), { onShift: false });
      expect((await call('GET', '/api/supervisor/knowledge/figures', await login(platform.url, agent.login, TEST_PASSWORD))).status).toBe(403);
    });

    it('searches for the desk and gives the answer as plain text for the composer; insertions are counted', async () => {
      const agent = await createAgent(db(), { onShift: false });
      const token = await login(platform.url, agent.login, TEST_PASSWORD);
      const found = await call('GET', `/api/desk/knowledge/search?q=${encodeURIComponent('tranquilite vacances')}&language=en`, token);
      expect(found.body[0]).toMatchObject({ articleKey: 'tranquillite-vacances', language: 'en' });
      expect(found.body[0].text).not.toMatch(/\*\*|\]\(/);
      expect((await call('POST', '/api/desk/knowledge/inserted', token, { articleKey: 'tranquillite-vacances', language: 'en', channel: 'facebook' })).status).toBe(204);
      const [{ n }] = await db().query(`SELECT count(*)::int AS n FROM knowledge_events WHERE kind = 'inserted' AND article_key = 'tranquillite-vacances'`);
      expect(n).toBe(1);
    });
  });

  describe('latency', () => {
    it('measures one search at a time over 2,000 articles (the p95 target is held by npm run bench:kb)', async () => {
      await addFillerArticles(db(), 2000);
      const report = await measureLatency(db(), platform.app.get(KnowledgeSearchService), 1);
      expect(report.articles).toBeGreaterThanOrEqual(2000);
      // Recorded for the run's log; the target itself is measured by `npm run bench:kb` (see BENCHMARKS.md), on a machine
      // that runs nothing else: a shared test machine's load would make a hard threshold here flaky.
      console.log(`knowledge-base search with ${report.articles} articles: p50 ${report.p50} ms, p95 ${report.p95} ms`);
      expect(report.p50).toBeLessThan(LATENCY_TARGET_P95_MS * 5);
    });
  });
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

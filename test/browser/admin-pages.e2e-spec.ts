// The administration pages in Chromium: knowledge-base articles (create, publish, edit, restore, import dry run),
// the unit directory (coverage by commune lookup, find a unit), field-level errors, the roster week grid; screenshots
// at 1366x768 and 1920x1080, axe-core clean.
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { KnowledgeBaseService, readSeedArticles } from '@brigade/knowledge-base';
import { artifactPath, launchBrowser } from '../support/browser';
import { login } from '../support/clients';
import { TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';


async function waitForText(locator: Locator, predicate: (text: string) => boolean, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    last = ((await locator.count()) > 0 ? await locator.first().textContent() : null) ?? '';
    if (predicate(last)) return last;
    if (Date.now() > deadline) throw new Error(`text never matched; last: "${last}"`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function seriousAxeViolations(page: Page) {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const violations = (await page.evaluate(`axe.run(document).then((results) =>
    results.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((node) => node.target) })))`)) as {
    id: string;
    impact: string;
    targets: unknown[];
  }[];
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

/** Screenshots of the page at the two desktop sizes the product is judged at. */
async function screenshots(page: Page, name: string): Promise<void> {
  for (const [width, height] of [
    [1366, 768],
    [1920, 1080],
  ]) {
    await page.setViewportSize({ width, height });
    await page.waitForTimeout(150);
    await page.screenshot({ path: artifactPath(`${name}-${width}x${height}.png`) });
  }
  await page.setViewportSize({ width: 1366, height: 768 });
}

describe('administration pages in Chromium: knowledge base, units, roster grid', () => {
  let platform: TestPlatform;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    platform = await startPlatform({ AUTH_LOGIN_ATTEMPTS_PER_MINUTE: '1000' });
    browser = await launchBrowser();
  }, 90_000);
  afterAll(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
    await browser?.close();
    // Other test files expect an empty knowledge base and unit directory.
    await platform?.dataSource.query(`TRUNCATE knowledge_articles, knowledge_events, knowledge_editors, local_units CASCADE`);
    await platform?.close();
  });
  beforeEach(async () => {
    await resetDatabase(platform.dataSource);
    await platform.dataSource.query(`TRUNCATE knowledge_articles, knowledge_events, knowledge_editors, local_units CASCADE`);
  });
  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  async function signIn(loginName: string, tab?: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'fr-FR', bypassCSP: true });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.stack ?? error.message));
    await page.goto(`${platform.url}/desk/#/admin`);
    await page.getByLabel('Identifiant').fill(loginName);
    await page.getByLabel('Mot de passe').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await waitForText(page.getByTestId('connection'), (text) => text === 'Connecté');
    await page.getByRole('heading', { name: 'Administration', level: 1 }).waitFor();
    if (tab) await page.getByRole('tab', { name: tab }).click();
    return page;
  }

  it('creates an article (field errors first), publishes it, edits it, restores an older version; the preview never renders HTML', async () => {
    const imported = await platform.app.get(KnowledgeBaseService).import(null, 'markdown', readSeedArticles(), false);
    expect(imported.errors).toEqual([]);
    const admin = await createAgent(platform.dataSource, { role: 'admin', onShift: false, displayName: 'Adjudant Martin' });
    const page = await signIn(admin.login, 'Base de connaissances');

    // The seeded articles, sorted and paged.
    const table = page.getByTestId('articles-table');
    await waitForText(page.getByTestId('articles-table-count'), (text) => /^\d+ lignes$/.test(text) && parseInt(text, 10) >= 120);
    await page.getByRole('navigation', { name: /Pages/ }).getByText(/^Page 1 \/ \d+$/).waitFor();
    await screenshots(page, 'admin-knowledge-list');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Question', exact: false }).first().click(); // now descending
    expect(await table.locator('th[aria-sort="descending"]').count()).toBe(1);
    await page.getByLabel('Langue').first().selectOption('en');
    await waitForText(page.getByTestId('articles-table-count'), (text) => parseInt(text, 10) < 100);
    await page.getByLabel('Langue').first().selectOption('');
    await page.getByLabel('Rechercher (question ou clé)').fill('procuration');
    await waitForText(table, (text) => text.includes('procuration') && !text.includes('recrutement'));
    await page.getByLabel('Rechercher (question ou clé)').fill('');

    await page.getByRole('button', { name: 'Nouvel article' }).click();
    const editor = page.getByTestId('article-editor');
    await editor.getByLabel('Clé', { exact: true }).fill('test-objets-trouves-gare');
    await editor.getByLabel('Question', { exact: true }).fill('Obj');
    // Citizen-looking HTML in the answer: shown as text in the preview, refused by the server.
    await editor.getByLabel('Réponse', { exact: true }).fill('Déposez-vous **au guichet**.\n\n<img src=x onerror="window.injected=1"> <b>gras</b>\n\n- [Service public](https://www.service-public.fr)');
    const preview = page.getByTestId('answer-preview');
    await waitForText(preview, (text) => text.includes('<b>gras</b>') && text.includes('<img src=x'));
    expect(await preview.locator('img, b').count()).toBe(0);
    expect(await preview.locator('strong').textContent()).toBe('au guichet');
    expect(await preview.locator('a').getAttribute('href')).toBe('https://www.service-public.fr');
    expect(await page.evaluate('window.injected')).toBeUndefined();
    await waitForText(page.getByTestId('answer-problems'), (text) => text.includes('HTML'));

    // The request validation names the question; the message sits under that field.
    await editor.getByRole('button', { name: 'Créer l’article' }).click();
    await waitForText(page.getByTestId('error-question'), (text) => text.includes('au moins 5'));
    expect(await editor.getByLabel('Question', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    // The banner sums the reasons up too (an error summary), the field's own among them.
    await waitForText(page.getByTestId('admin-feedback'), (text) => text.includes('champs sont à corriger') && text.includes('au moins 5'));

    // The domain's checks (HTML in the answer, a published article without source) land under their fields too.
    await editor.getByLabel('Question', { exact: true }).fill('J’ai perdu un objet dans une gare, que faire ?');
    await editor.getByLabel('Statut', { exact: true }).selectOption('published');
    await editor.getByRole('button', { name: 'Créer l’article' }).click();
    await waitForText(page.getByTestId('error-answer'), (text) => text.includes('HTML'));
    await waitForText(page.getByTestId('error-sources'), (text) => text.includes('page officielle'));
    expect(await editor.getByLabel('Question', { exact: true }).getAttribute('aria-invalid')).toBeNull();
    await screenshots(page, 'admin-knowledge-field-errors');

    await editor.getByLabel('Réponse', { exact: true }).fill('Adressez-vous au **service des objets trouvés** de la gare.\n\n- Gardez votre billet\n- Décrivez l’objet');
    await editor.getByLabel('Autres formulations (une par ligne)').fill('objet oublié dans le train\nperdu sac gare');
    await editor.getByLabel('Titre de la page').fill('Objets trouvés');
    await editor.getByLabel('Adresse (https://…)').fill('https://www.service-public.fr/particuliers/vosdroits/F1689');
    await editor.getByRole('button', { name: 'Créer l’article' }).click();
    await waitForText(page.getByTestId('admin-feedback'), (text) => text === 'Article créé.');
    await waitForText(page.getByTestId('versions-table'), (text) => text.includes('Création'));

    // Edit: a second version.
    await editor.getByLabel('Réponse', { exact: true }).fill('Adressez-vous **d’abord** au guichet de la gare, puis au service des objets trouvés.');
    await editor.getByRole('button', { name: 'Enregistrer' }).click();
    await waitForText(page.getByTestId('admin-feedback'), (text) => text === 'Article enregistré.');
    await waitForText(page.getByTestId('versions-table'), (text) => text.includes('Modification') && text.includes('2 (actuelle)'));

    await page.evaluate('window.scrollTo(0, 0)');
    await screenshots(page, 'admin-knowledge-editor');

    // View version 1, then restore it: version 3 holds version 1's answer.
    await page.getByRole('button', { name: 'Voir Version 1' }).click();
    await waitForText(page.getByTestId('version-view'), (text) => text.includes('service des objets trouvés') && text.includes('Gardez votre billet'));
    await page.getByTestId('version-view').scrollIntoViewIfNeeded();
    await screenshots(page, 'admin-knowledge-versions');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Restaurer Version 1' }).click();
    await waitForText(page.getByTestId('admin-feedback'), (text) => text.includes('Version 1 restaurée'));
    await waitForText(page.getByTestId('versions-table'), (text) => text.includes('Restauration') && text.includes('3 (actuelle)'));
    expect(await editor.getByLabel('Réponse', { exact: true }).inputValue()).toContain('Gardez votre billet');

    const [stored] = await platform.dataSource.query(
      `SELECT a.status, a.version, a.answer, a.phrasings, a.sources, a.owner_agent_id, (SELECT count(*)::int FROM knowledge_article_versions v WHERE v.article_id = a.id) AS versions
         FROM knowledge_articles a WHERE a.article_key = 'test-objets-trouves-gare'`,
    );
    expect(stored).toMatchObject({ status: 'published', version: 3, versions: 3, phrasings: ['objet oublié dans le train', 'perdu sac gare'], owner_agent_id: admin.id });
    expect(stored.answer).toContain('Gardez votre billet');
    expect(stored.sources).toEqual([{ title: 'Objets trouvés', url: 'https://www.service-public.fr/particuliers/vosdroits/F1689' }]);
    const audit = await platform.dataSource.query(`SELECT action FROM audit_events WHERE action LIKE 'knowledge.%' AND actor_id = $1 ORDER BY at`, [admin.id]);
    expect(audit.map((row: { action: string }) => row.action)).toEqual(['knowledge.create', 'knowledge.update', 'knowledge.restore']);
  }, 300_000);

  it('an import dry run lists every bad line and writes nothing; an editor (agent) reaches the articles', async () => {
    const editorAgent = await createAgent(platform.dataSource, { role: 'agent', onShift: false, displayName: 'Gendarme Éditrice' });
    await platform.dataSource.query(`INSERT INTO knowledge_editors (agent_id) VALUES ($1)`, [editorAgent.id]);
    const page = await signIn(editorAgent.login);
    // An agent with the editor permission sees the knowledge base only.
    expect(await page.getByRole('tab').allTextContents()).toEqual(['Base de connaissances']);
    await waitForText(page.getByTestId('articles-table'), (text) => text.includes('Aucun article ne correspond'));

    const csv = [
      'key,language,question,phrasings,answer,queue,status,sources,review_every_days',
      'vol-velo,fr,On m’a volé mon vélo,velo vole,"Déposez plainte.",offence,published,Plainte <https://www.service-public.fr>,365',
      'BAD KEY,fr,Question valable ici,,Réponse,,draft,,365',
      'vol-scooter,xx,Qui,,<script>alert(1)</script>,,published,,abc',
    ].join('\n');
    await page.getByLabel('Ou collez le contenu').fill(csv);
    await page.getByRole('button', { name: 'Vérifier (sans rien écrire)' }).first().click();
    const report = page.getByTestId('kb-import-report');
    await waitForText(report, (text) => text.includes('erreurs à corriger'));
    const rows = await report.locator('tbody tr').allTextContents();
    expect(rows.some((row) => row.startsWith('3key'))).toBe(true);
    for (const field of ['language', 'question', 'answer', 'sources']) expect(rows.some((row) => row.startsWith(`4${field}`))).toBe(true);
    expect(rows.some((row) => row.startsWith('2'))).toBe(false);
    expect(await report.textContent()).toContain('Vérification (rien n’a été écrit)');
    await screenshots(page, 'admin-knowledge-import');
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(await platform.dataSource.query(`SELECT count(*)::int AS n FROM knowledge_articles`)).toEqual([{ n: 0 }]);

    // The good line alone imports.
    await page.getByLabel('Ou collez le contenu').fill(csv.split('\n').slice(0, 2).join('\n'));
    await page.getByRole('button', { name: 'Importer', exact: true }).click();
    await waitForText(page.getByTestId('articles-table'), (text) => text.includes('On m’a volé mon vélo'));
    expect(await platform.dataSource.query(`SELECT article_key, owner_agent_id FROM knowledge_articles`)).toEqual([{ article_key: 'vol-velo', owner_agent_id: editorAgent.id }]);
  }, 240_000);

  it('creates a unit whose coverage comes from the commune lookup, finds it, and shows which unit a commune goes to', async () => {
    const admin = await createAgent(platform.dataSource, { role: 'admin', onShift: false });
    const page = await signIn(admin.login, 'Unités');
    await waitForText(page.getByTestId('failed-deliveries'), (text) => text.includes('Aucun envoi en échec'));

    await page.getByRole('button', { name: 'Nouvelle unité' }).click();
    const form = page.getByTestId('unit-editor');
    // Field-level errors from the server: a bad code, no name, no way to reach the unit.
    await form.getByLabel('Code', { exact: true }).fill('BTA Rennes');
    await form.getByRole('button', { name: 'Créer l’unité' }).click();
    await waitForText(page.getByTestId('error-code'), (text) => text === 'format invalide');
    await waitForText(page.getByTestId('error-name'), (text) => text.includes('au moins 1'));
    expect(await form.getByLabel('Code', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await screenshots(page, 'admin-units-field-errors');
    await form.getByLabel('Code', { exact: true }).fill('bta-rennes');
    await form.getByLabel('Nom', { exact: true }).fill('Brigade territoriale autonome de Rennes');
    await form.getByRole('button', { name: 'Créer l’unité' }).click();
    await waitForText(page.getByTestId('error-email'), (text) => text.includes('e-mail ou un webhook'));
    expect(await page.getByTestId('error-code').count()).toBe(0);

    await form.getByLabel('Type').selectOption('bta');
    await form.getByLabel('Adresse', { exact: true }).fill('1 rue de Paris, 35000 Rennes');
    await form.getByLabel('Téléphone').fill('02 99 00 00 01');
    await form.getByLabel('Adresse électronique').fill('bta.rennes@example.fr');
    // Coverage: a commune found by name without its accent, then another by its postcode.
    await form.getByLabel('Ajouter une commune').fill('cesson sevigne');
    await form.getByRole('button', { name: /Ajouter Cesson-Sévigné \(35051\)/ }).click();
    await form.getByLabel('Ajouter une commune').fill('Rennes');
    await form.getByRole('button', { name: 'Ajouter Rennes (35238)' }).click();
    await waitForText(page.getByTestId('unit-communes'), (text) => text.includes('Cesson-Sévigné (35051)') && text.includes('Rennes (35238)'));
    await form.getByLabel('Départements').fill('22');
    await screenshots(page, 'admin-units-editor');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await form.getByRole('button', { name: 'Créer l’unité' }).click();
    await waitForText(page.getByTestId('admin-feedback'), (text) => text === 'Unité créée.');

    const [unit] = await platform.dataSource.query(`SELECT code, type, email, communes, departments, active FROM local_units`);
    expect(unit).toEqual({ code: 'bta-rennes', type: 'bta', email: 'bta.rennes@example.fr', communes: ['35051', '35238'], departments: ['22'], active: true });

    // Find it by a commune's name, then ask which unit a commune's report goes to.
    await page.getByLabel('Rechercher (code, nom, commune, code postal)').fill('sévigné');
    await waitForText(page.getByTestId('units-table'), (text) => text.includes('Brigade territoriale autonome de Rennes'));
    await page.getByLabel('Rechercher (code, nom, commune, code postal)').fill('brest');
    await waitForText(page.getByTestId('units-table'), (text) => text.includes('Aucune ligne'));
    await page.getByLabel('Rechercher (code, nom, commune, code postal)').fill('');
    await page.getByLabel('Quelle unité pour une commune ?').fill('Saint-Brieuc');
    await page.getByRole('button', { name: /^Saint-Brieuc \(22\)/ }).click();
    await waitForText(page.getByTestId('unit-finder-answer'), (text) => text === 'Saint-Brieuc → Brigade territoriale autonome de Rennes (par le département)');
    await screenshots(page, 'admin-units');
    expect(await seriousAxeViolations(page)).toEqual([]);

    // Deactivate: no more reports for it.
    await page.getByRole('button', { name: 'Désactiver Brigade territoriale autonome de Rennes' }).click();
    await waitForText(page.getByTestId('admin-feedback'), (text) => text.startsWith('Unité désactivée'));
    expect(await platform.dataSource.query(`SELECT active FROM local_units`)).toEqual([{ active: false }]);

    // A report delivery that failed for good: listed with its reason; "Relancer" sends it again (audited).
    const [contact] = await platform.dataSource.query(`INSERT INTO contacts (pseudonym) VALUES ('Héron Calme 7') RETURNING id`);
    const [identity] = await platform.dataSource.query(
      `INSERT INTO channel_identities (contact_id, channel, channel_account, external_id) VALUES ($1, 'webchat', '', 'visiteur-1') RETURNING id`,
      [contact.id],
    );
    const [conversation] = await platform.dataSource.query(
      `INSERT INTO conversations (contact_id, identity_id, channel, status) VALUES ($1, $2, 'webchat', 'closed') RETURNING id`,
      [contact.id, identity.id],
    );
    const [failedReport] = await platform.dataSource.query(
      `INSERT INTO unit_reports (conversation_id, client_report_id, unit_id, routing, nature, commune_code, commune_name, summary, urgency, consent_to_contact, status)
       SELECT $1, 'r-1', id, 'coverage', 'voisinage', '35238', 'Rennes', 'Conflit de voisinage', 'normale', true, 'failed' FROM local_units RETURNING id`,
      [conversation.id],
    );
    await platform.dataSource.query(
      `INSERT INTO report_deliveries (report_id, target, address, status, attempts, last_error) VALUES ($1, 'email', 'ancienne.adresse@example.fr', 'failed', 8, '550 5.1.1 mailbox unavailable')`,
      [failedReport.id],
    );
    await page.getByRole('tab', { name: 'Planning' }).click();
    await page.getByRole('tab', { name: 'Unités' }).click();
    const failed = page.getByTestId('failed-deliveries');
    await waitForText(failed, (text) => text.includes('550 5.1.1 mailbox unavailable') && text.includes('ancienne.adresse@example.fr') && text.includes('Brigade territoriale autonome de Rennes'));
    await failed.getByRole('button', { name: 'Relancer' }).click();
    await waitForText(page.getByTestId('admin-feedback'), (text) => text === 'Envoi relancé.');
    const retried = await platform.dataSource.query(`SELECT action, subject_id FROM audit_events WHERE action = 'report.delivery.retry'`);
    expect(retried).toEqual([{ action: 'report.delivery.retry', subject_id: failedReport.id }]);
    // Sent again to the unit's current address, not the one that failed.
    expect(await platform.dataSource.query(`SELECT address FROM report_deliveries`)).toEqual([{ address: 'bta.rennes@example.fr' }]);

    // CSV dry run: every bad line.
    const csv = ['code,name,type,email,communes', 'bta-vitre,BTA de Vitré,bta,bta.vitre@example.fr,35360', 'x,,caserne,,99999'].join('\n');
    await page.getByLabel('Fichier CSV').setInputFiles({ name: 'unites.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Vérifier (sans rien écrire)' }).click();
    const report = page.getByTestId('import-report');
    await waitForText(report, (text) => text.includes('erreurs à corriger'));
    const lines = await report.locator('tbody tr').allTextContents();
    for (const field of ['code', 'name', 'type', 'email', 'communes']) expect(lines.some((row) => row.startsWith(`3${field}`))).toBe(true);
    expect(await platform.dataSource.query(`SELECT count(*)::int AS n FROM local_units`)).toEqual([{ n: 1 }]);
  }, 240_000);

  it('shows the roster as a week grid of agents and days in the roster time zone, and adds a shift from a cell', async () => {
    const admin = await createAgent(platform.dataSource, { role: 'admin', onShift: false, displayName: 'Adjudant Martin' });
    const token = await login(platform.url, admin.login, TEST_PASSWORD);
    const names = ['Gendarme Bernard', 'Gendarme Chevalier', 'Maréchal des logis Dubois', 'Gendarme Étienne', 'Gendarme Fournier'];
    const agents = [];
    for (const displayName of names) agents.push(await createAgent(platform.dataSource, { role: 'agent', onShift: false, displayName }));
    // This week in the roster's zone (the server's answer without a date): late on a Sunday in UTC it is already Monday in Paris.
    const monday = ((await (await fetch(`${platform.url}/api/admin/roster`, { headers: { authorization: `Bearer ${token}` } })).json()) as { from: string }).from;
    const day = (offset: number) => new Date(Date.parse(`${monday}T12:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
    const slots = [
      ['06:00', '14:00'],
      ['14:00', '22:00'],
      ['22:00', '06:00'],
    ];
    for (let offset = 0; offset < 7; offset++) {
      for (let index = 0; index < agents.length; index++) {
        if ((index + offset) % 5 === 4) continue; // a rest day each
        const [start, end] = slots[(index + offset) % 3];
        const response = await fetch(`${platform.url}/api/admin/roster/shifts`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ agentId: agents[index].id, date: day(offset), start, end }),
        });
        if (response.status !== 201) throw new Error(`${response.status} ${await response.text()}`);
      }
    }

    const page = await signIn(admin.login, 'Planning');
    const grid = page.getByTestId('roster-week');
    await waitForText(grid, (text) => names.every((name) => text.includes(name)));
    await waitForText(page.getByTestId('roster-zone'), (text) => text.includes('Europe/Paris'));
    const headers = await grid.locator('thead th').allTextContents();
    expect(headers).toHaveLength(8);
    expect(headers[1]).toMatch(/^lun\. /);
    const [{ n }] = await platform.dataSource.query(`SELECT count(*)::int AS n FROM shifts`);
    expect(n).toBeGreaterThan(20);
    // The agents' rows come before their shifts: wait for the blocks, then check there is one per shift.
    const blocks = grid.locator('[data-testid="shift-block"]');
    for (const deadline = Date.now() + 20_000; (await blocks.count()) < n && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await blocks.count()).toBe(n);
    // A night shift is written 22:00–06:00 with "+1" on the day it starts.
    expect(await grid.locator('tbody tr').filter({ hasText: 'Gendarme Bernard' }).locator('td').nth(2).textContent()).toContain('22:00–06:00 +1');
    await screenshots(page, 'admin-roster-grid');
    expect(await seriousAxeViolations(page)).toEqual([]);

    // A cell's "+" opens the form on that agent and day; the new block shows in that cell.
    const row = grid.locator('tbody tr').filter({ hasText: 'Adjudant Martin' });
    const sunday = new Date(`${day(6)}T12:00:00Z`).toLocaleDateString('fr-FR', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' });
    await row.getByRole('button', { name: `Ajouter un service pour Adjudant Martin le ${sunday}` }).click();
    const form = page.getByRole('form', { name: 'Ajouter le service' });
    expect(await form.getByLabel('Date').inputValue()).toBe(day(6));
    await form.getByLabel('Début').fill('08:00');
    await form.getByLabel('Fin').fill('20:00');
    await form.getByRole('button', { name: 'Ajouter le service' }).click();
    await waitForText(page.getByTestId('admin-feedback'), (text) => text === 'Service ajouté.');
    await waitForText(row.locator('td').nth(6), (text) => text.includes('08:00–20:00'));

    // An overlapping shift is refused, the reason shown.
    await row.getByRole('button', { name: `Ajouter un service pour Adjudant Martin le ${sunday}` }).click();
    await form.getByLabel('Début').fill('10:00');
    await form.getByLabel('Fin').fill('12:00');
    await form.getByRole('button', { name: 'Ajouter le service' }).click();
    await waitForText(page.getByTestId('admin-feedback'), (text) => text.length > 0 && text !== 'Service ajouté.');
    expect(await platform.dataSource.query(`SELECT count(*)::int AS n FROM shifts WHERE agent_id = $1`, [admin.id])).toEqual([{ n: 1 }]);
  }, 240_000);

  it('lists the queues in one sortable table, edits a queue in one form with the server\'s reasons, and creates one', async () => {
    const admin = await createAgent(platform.dataSource, { role: 'admin', displayName: 'Capitaine Admin' });
    const [before] = await platform.dataSource.query(`SELECT name_fr, required_skill, surge_wait_seconds FROM queues WHERE key = 'offence'`);
    try {
      const page = await signIn(admin.login, 'Files');
      const table = page.getByTestId('queues-table');
      await waitForText(table, (text) => text.includes(before.name_fr) && text.includes('offence'));
      // One table, no form per queue (they were named by the queue's code).
      expect(await page.getByRole('form', { name: 'offence', exact: true }).count()).toBe(0);
      await page.getByRole('button', { name: `Modifier la file ${before.name_fr}` }).click();
      const editor = page.getByRole('form', { name: `File « ${before.name_fr} »` });
      // A skill name the server refuses: its reason under the field and in the banner's summary.
      await editor.getByLabel('Compétence requise').fill('Pas Une Compétence');
      await editor.getByRole('button', { name: 'Enregistrer' }).click();
      await waitForText(page.getByTestId('error-requiredSkill'), (text) => text.length > 0);
      const reason = await page.getByTestId('error-requiredSkill').textContent();
      await waitForText(page.getByTestId('admin-feedback'), (text) => text.includes('champs sont à corriger') && text.includes(reason ?? '?'));
      expect(await editor.getByLabel('Compétence requise').getAttribute('aria-invalid')).toBe('true');
      await screenshots(page, 'admin-queues-field-errors');

      await editor.getByLabel('Compétence requise').fill('');
      await editor.getByLabel('Seuil d’afflux (s, vide : non surveillée)').fill('900');
      await editor.getByRole('button', { name: 'Enregistrer' }).click();
      await waitForText(page.getByTestId('admin-feedback'), (text) => text === 'Enregistré.');
      await waitForText(table.locator('tr').filter({ hasText: 'offence' }), (text) => text.includes('900'));
      expect(await platform.dataSource.query(`SELECT surge_wait_seconds FROM queues WHERE key = 'offence'`)).toEqual([{ surge_wait_seconds: 900 }]);

      // A new queue from the same editor.
      await page.getByRole('button', { name: 'Nouvelle file' }).click();
      const creator = page.getByRole('form', { name: 'Nouvelle file' });
      await creator.getByLabel('Clé').fill('test-stupefiants');
      await creator.getByLabel('Nom (français)').fill('Stupéfiants (essai)');
      await creator.getByLabel('Nom (anglais)').fill('Drugs (test)');
      await creator.getByLabel('Priorité').selectOption('1');
      await creator.getByRole('button', { name: 'Créer la file' }).click();
      await waitForText(page.getByTestId('admin-feedback'), (text) => text === 'File créée.');
      await waitForText(table, (text) => text.includes('Stupéfiants (essai)'));
      // Sorted by name on a click of its heading.
      await table.getByRole('button', { name: 'Nom' }).click();
      const names = await table.locator('tbody tr td:first-child').allTextContents();
      expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'fr')));
      expect(await seriousAxeViolations(page)).toEqual([]);
    } finally {
      // The queues outlive resetDatabase: put them back for the other files of this worker.
      await platform.dataSource.query(`DELETE FROM queues WHERE key = 'test-stupefiants'`);
      await platform.dataSource.query(`UPDATE queues SET required_skill = $1, surge_wait_seconds = $2 WHERE key = 'offence'`, [before.required_skill, before.surge_wait_seconds]);
    }
  });
});

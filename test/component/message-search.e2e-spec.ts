import { randomUUID } from 'node:crypto';
import type { DeskAssignmentEvent, DeskConversationView, DeskSearchResultView } from '@brigade/realtime';
import { login } from '../support/clients';
import { AgentSpec, TEST_PASSWORD, createAgent, resetDatabase } from '../support/factories';
import { TestPlatform, startPlatform } from '../support/test-platform';

interface Seeded {
  conversationId: string;
  contactId: string;
  messageIds: string[];
}

/** Full-text search of the desk (GET /api/desk/search) and the list's tabs, on real PostgreSQL. */
describe('desk search', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startPlatform({ AUTH_LOGIN_ATTEMPTS_PER_MINUTE: '200' });
  });
  afterAll(async () => {
    await platform?.close();
  });
  beforeEach(async () => {
    await resetDatabase(platform.dataSource);
  });

  async function signedIn(spec: AgentSpec = {}) {
    // On shift and "away": the platform's own re-routing leaves their seeded conversations alone, routing gives them none.
    const agent = await createAgent(platform.dataSource, { presence: 'away', ...spec });
    return { agent, token: await login(platform.url, agent.login, TEST_PASSWORD) };
  }

  /** A contact, its web chat identity and one conversation holding `texts` (citizen, then alternately agent). */
  async function conversation(
    texts: string[],
    options: {
      status?: string;
      assigneeId?: string | null;
      queue?: string;
      channel?: string;
      tags?: string[];
      language?: string;
      sensitive?: boolean;
      displayName?: string;
      at?: Date;
    } = {},
  ): Promise<Seeded> {
    const channel = options.channel ?? 'webchat';
    const [contact] = await platform.dataSource.query(
      `INSERT INTO contacts (display_name, pseudonym) VALUES ($1, $2) RETURNING id`,
      [options.displayName ?? 'Camille Martin', `Citoyen-${randomUUID().slice(0, 6)}`],
    );
    const [identity] = await platform.dataSource.query(
      `INSERT INTO channel_identities (contact_id, channel, external_id) VALUES ($1, $2, $3) RETURNING id`,
      [contact.id, channel, randomUUID()],
    );
    const [row] = await platform.dataSource.query(
      `INSERT INTO conversations (contact_id, identity_id, channel, status, queue, assignee_id, tags, language, sensitive,
                                  assigned_at, first_agent_reply_at, last_citizen_message_at, last_agent_message_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, CASE WHEN $6::uuid IS NULL THEN NULL ELSE now() END, now(), now(), now())
       RETURNING id`,
      [
        contact.id,
        identity.id,
        channel,
        options.status ?? 'assigned',
        options.queue ?? 'general',
        options.assigneeId ?? null,
        options.tags ?? [],
        options.language ?? 'fr',
        options.sensitive ?? false,
      ],
    );
    const messageIds: string[] = [];
    const start = (options.at ?? new Date()).getTime();
    for (const [index, text] of texts.entries()) {
      const citizen = index % 2 === 0;
      const [message] = await platform.dataSource.query(
        `INSERT INTO messages (conversation_id, channel, direction, author_type, text, delivery_status, created_at)
         VALUES ($1, $2, $3, $4, $5, 'delivered', $6) RETURNING id`,
        [row.id, channel, citizen ? 'inbound' : 'outbound', citizen ? 'citizen' : 'agent', text, new Date(start + index * 1000)],
      );
      messageIds.push(message.id);
    }
    return { conversationId: row.id, contactId: contact.id, messageIds };
  }

  async function search(token: string, query: Record<string, string>): Promise<DeskSearchResultView> {
    const response = await fetch(`${platform.url}/api/desk/search?${new URLSearchParams(query)}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as DeskSearchResultView;
  }

  const found = (result: DeskSearchResultView) => result.hits.map((hit) => hit.messageId).sort();
  const marked = (result: DeskSearchResultView) =>
    result.hits.map((hit) => hit.highlights.map(([start, end]) => hit.snippet.slice(start, end)));

  it('finds accented words without their accents and the reverse, and marks them in the original text', async () => {
    const { token } = await signedIn({ role: 'supervisor' });
    const stolen = await conversation(["On m'a volé mon véhicule devant la mairie", 'Avez-vous déposé plainte ?']);
    const plain = await conversation(['Mon vehicule a ete raye sur le parking']);

    const unaccented = await search(token, { q: 'vehicule' });
    expect(found(unaccented)).toEqual([stolen.messageIds[0], plain.messageIds[0]].sort());
    expect(marked(unaccented).flat().sort()).toEqual(['vehicule', 'véhicule']);
    const stolenHit = unaccented.hits.find((hit) => hit.messageId === stolen.messageIds[0])!;
    expect(stolenHit.snippet).toBe("On m'a volé mon véhicule devant la mairie");
    expect(stolenHit).toMatchObject({ conversationId: stolen.conversationId, channel: 'webchat', queue: 'general', author: 'citizen' });

    expect(found(await search(token, { q: 'véhicule' }))).toEqual(found(unaccented));
    expect(found(await search(token, { q: 'Déposé plainte' }))).toEqual([stolen.messageIds[1]]);
  });

  it('stems French and English words', async () => {
    const { token } = await signedIn({ role: 'supervisor' });
    const french = await conversation(['Les cambrioleurs sont entrés par la fenêtre', 'Nous envoyons une patrouille']);
    const english = await conversation(['My bicycles were stolen from the garage'], { language: 'en' });

    expect(found(await search(token, { q: 'cambrioleur' }))).toEqual([french.messageIds[0]]);
    expect(found(await search(token, { q: 'patrouilles' }))).toEqual([french.messageIds[1]]);
    expect(found(await search(token, { q: 'bicycle stealing' }))).toEqual([]);
    expect(found(await search(token, { q: 'bicycle' }))).toEqual([english.messageIds[0]]);
    const stolen = await search(token, { q: 'stolen garage' });
    expect(found(stolen)).toEqual([english.messageIds[0]]);
    expect(marked(stolen)).toEqual([['stolen', 'garage']]);
  });

  it('shows an agent their conversations and those waiting in their queues only; supervisors and admins see all', async () => {
    const { agent, token } = await signedIn({ skills: ['violence'] });
    const { agent: colleague } = await signedIn();
    const mine = await conversation(['Violences conjugales signalées'], { assigneeId: agent.id, queue: 'violence' });
    const mineClosed = await conversation(['Violences au domicile, dossier clos'], { assigneeId: agent.id, status: 'closed' });
    const waitingInMyQueue = await conversation(['Violences dans la rue'], { status: 'waiting', queue: 'violence' });
    const waitingElsewhere = await conversation(['Violences en ligne'], { status: 'waiting', queue: 'general' });
    const colleagues = await conversation(['Violences à l’école'], { assigneeId: colleague.id, queue: 'violence' });

    expect(found(await search(token, { q: 'violences' }))).toEqual(
      [mine.messageIds[0], mineClosed.messageIds[0], waitingInMyQueue.messageIds[0]].sort(),
    );
    const everything = [mine, mineClosed, waitingInMyQueue, waitingElsewhere, colleagues].map((c) => c.messageIds[0]).sort();
    for (const role of ['supervisor', 'admin'] as const) {
      const { token: other } = await signedIn({ role });
      expect([role, found(await search(other, { q: 'violences' }))]).toEqual([role, everything]);
    }

    // What search shows, the desk opens: the waiting one of my queue (audited), not a colleague's.
    const open = (id: string) => fetch(`${platform.url}/api/conversations/${id}`, { headers: { authorization: `Bearer ${token}` } });
    const waiting = await open(waitingInMyQueue.conversationId);
    expect(waiting.status).toBe(200);
    expect(((await waiting.json()) as DeskAssignmentEvent).messages.map((m) => m.id)).toEqual(waitingInMyQueue.messageIds);
    expect((await open(colleagues.conversationId)).status).toBe(403);
    expect((await open(waitingElsewhere.conversationId)).status).toBe(403);
  });

  it('filters by dates, channel, queue, agent and tag', async () => {
    const { agent, token } = await signedIn({ role: 'supervisor' });
    const { agent: other } = await signedIn();
    const old = await conversation(['Perte de papiers d’identité'], { at: new Date('2026-01-10T10:00:00Z') });
    const messenger = await conversation(['Perte de mon portefeuille'], { channel: 'facebook', queue: 'offence', assigneeId: other.id });
    const tagged = await conversation(['Perte de clés'], { tags: ['objets-trouves'], assigneeId: agent.id });

    expect(found(await search(token, { q: 'perte' }))).toHaveLength(3);
    expect(found(await search(token, { q: 'perte', to: '2026-02-01T00:00:00Z' }))).toEqual(old.messageIds);
    expect(found(await search(token, { q: 'perte', from: '2026-02-01T00:00:00Z' }))).toEqual(
      [messenger.messageIds[0], tagged.messageIds[0]].sort(),
    );
    expect(found(await search(token, { q: 'perte', channel: 'facebook' }))).toEqual(messenger.messageIds);
    expect(found(await search(token, { q: 'perte', queue: 'offence' }))).toEqual(messenger.messageIds);
    expect(found(await search(token, { q: 'perte', agentId: other.id }))).toEqual(messenger.messageIds);
    expect(found(await search(token, { q: 'perte', tag: 'objets-trouves' }))).toEqual(tagged.messageIds);
    const page = await search(token, { q: 'perte', limit: '2' });
    expect([page.hits.length, page.more]).toEqual([2, true]);
    // Newest first.
    expect(page.hits[1].createdAt >= (await search(token, { q: 'perte', limit: '3' })).hits[2].createdAt).toBe(true);
  });

  it('gives the newest matches of several words, first page and filtered, for a supervisor and for an agent alike', async () => {
    const { token: supervisor } = await signedIn({ role: 'supervisor' });
    const { agent, token } = await signedIn();
    const texts = Array.from({ length: 6 }, (_, index) => `Vol de vélo à la gare, fait numéro ${index}`);
    const heldAt = new Date(Date.now() - 60_000);
    const held = await conversation(texts, { assigneeId: agent.id, at: heldAt });
    const older = await conversation(['On m’a volé mon vélo devant la gare'], { queue: 'violence', at: new Date('2026-03-01T10:00:00Z') });
    // Newer matches in a conversation whose citizen used the quick exit: never found, and never counted in a page.
    const left = await conversation(['Vol de vélo à la gare', 'Vélo volé à la gare'], { assigneeId: agent.id });
    await platform.dataSource.query(`UPDATE conversations SET citizen_left_at = now() WHERE id = $1`, [left.conversationId]);
    const newestFirst = [...held.messageIds].reverse();
    const ids = (result: DeskSearchResultView) => result.hits.map((hit) => hit.messageId);

    // A page filled by the newest messages, then pages that need the whole history (filtered, or larger than the matches).
    const page = await search(supervisor, { q: 'vélo gare', limit: '3' });
    expect([ids(page), page.more]).toEqual([newestFirst.slice(0, 3), true]);
    expect(ids(await search(supervisor, { q: 'vélo gare', queue: 'violence', limit: '3' }))).toEqual(older.messageIds);
    const all = await search(supervisor, { q: 'vélo gare' });
    expect([ids(all), all.more]).toEqual([[...newestFirst, ...older.messageIds], false]);
    // An agent: their own conversation only (the older one is someone else's queue and not waiting).
    const mine = await search(token, { q: 'vélo gare', limit: '3' });
    expect([ids(mine), mine.more]).toEqual([newestFirst.slice(0, 3), true]);
    expect(ids(await search(token, { q: 'vélo gare' }))).toEqual(newestFirst);
    // Its messages are a second apart: from the middle on, the three newest.
    const from = new Date(heldAt.getTime() + 2_500).toISOString();
    expect(ids(await search(token, { q: 'vélo gare', from }))).toEqual(newestFirst.slice(0, 3));
  });

  it('never finds an erased contact, a quick exit, the system’s own texts, nor shows a sensitive contact’s name', async () => {
    const { token: admin } = await signedIn({ role: 'admin' });
    const erased = await conversation(['Harcèlement par un voisin'], { status: 'closed', displayName: 'Jean Dupont' });
    const quickExit = await conversation(['Harcèlement de mon conjoint'], { status: 'assigned' });
    await platform.dataSource.query(`UPDATE conversations SET citizen_left_at = now() WHERE id = $1`, [quickExit.conversationId]);
    const system = await conversation([]);
    await platform.dataSource.query(
      `INSERT INTO messages (conversation_id, channel, direction, author_type, text, delivery_status)
       VALUES ($1, 'webchat', 'outbound', 'system', 'Harcèlement : composez le 17 en cas de danger', 'sent')`,
      [system.conversationId],
    );
    const sensitive = await conversation(['Harcèlement au travail'], { sensitive: true, displayName: 'Sophie Bernard' });

    expect(found(await search(admin, { q: 'harcèlement' }))).toEqual([erased.messageIds[0], sensitive.messageIds[0]].sort());
    const erase = await fetch(`${platform.url}/api/admin/contacts/${erased.contactId}/erase`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'Demande du citoyen' }),
    });
    expect(erase.status).toBe(200);
    const after = await search(admin, { q: 'harcelement' });
    expect(found(after)).toEqual(sensitive.messageIds);
    expect(after.hits[0].contactName).toMatch(/^Citoyen-/);
  });

  it('records each search in the access audit with the conversations it showed', async () => {
    const { agent, token } = await signedIn();
    const mine = await conversation(['Usurpation d’identité sur internet'], { assigneeId: agent.id });
    await search(token, { q: 'usurpation', queue: 'general' });
    const [entry] = await platform.dataSource.query(
      `SELECT actor_id, action, subject_type, details FROM audit_events WHERE action = 'conversation.search'`,
    );
    expect(entry).toMatchObject({
      actor_id: agent.id,
      subject_type: 'search',
      details: { role: 'agent', query: 'usurpation', filters: { queue: 'general' }, conversationIds: [mine.conversationId] },
    });
  });

  it('keeps snippets as text: markup written by a citizen comes back as characters', async () => {
    const { token } = await signedIn({ role: 'supervisor' });
    const text = 'Il a écrit <b>urgent</b> puis <img src=x onerror=alert(1)> : escroquerie au faux conseiller';
    await conversation([text]);
    const [hit] = (await search(token, { q: 'escroquerie' })).hits;
    expect(hit.snippet).toContain('<b>urgent</b>');
    expect(text).toContain(hit.snippet.trim());
    expect(hit.highlights.map(([start, end]) => hit.snippet.slice(start, end))).toEqual(['escroquerie']);
  });

  it('refuses a query too short or an unknown filter, with a French message', async () => {
    const { token } = await signedIn();
    for (const query of ['q=a', 'q=vol&limit=500', 'q=vol&from=hier', 'q=vol&color=red']) {
      const response = await fetch(`${platform.url}/api/desk/search?${query}`, { headers: { authorization: `Bearer ${token}` } });
      expect([query, response.status]).toEqual([query, 400]);
      expect(((await response.json()) as { messageFr: string }).messageFr).toMatch(/Champ|champ/);
    }
  });

  it('lists the desk tabs: mine, waiting in my queues, and all for supervisors only', async () => {
    const { agent, token } = await signedIn({ skills: ['violence'] });
    const { token: supervisor } = await signedIn({ role: 'supervisor' });
    const mine = await conversation(['Bonjour'], { assigneeId: agent.id });
    const waitingMine = await conversation(['Au secours'], { status: 'waiting', queue: 'violence' });
    const waitingOther = await conversation(['Question'], { status: 'waiting', queue: 'general' });
    await conversation(['Fini'], { status: 'closed', assigneeId: agent.id });
    const list = async (who: string, scope: string) => {
      const response = await fetch(`${platform.url}/api/desk/conversations?scope=${scope}`, { headers: { authorization: `Bearer ${who}` } });
      return { status: response.status, ids: response.ok ? ((await response.json()) as DeskConversationView[]).map((c) => c.id).sort() : [] };
    };
    expect(await list(token, 'mine')).toEqual({ status: 200, ids: [mine.conversationId] });
    expect(await list(token, 'queues')).toEqual({ status: 200, ids: [waitingMine.conversationId] });
    expect((await list(token, 'all')).status).toBe(403);
    expect(await list(supervisor, 'queues')).toEqual({ status: 200, ids: [waitingMine.conversationId, waitingOther.conversationId].sort() });
    expect(await list(supervisor, 'all')).toEqual({
      status: 200,
      ids: [mine.conversationId, waitingMine.conversationId, waitingOther.conversationId].sort(),
    });
    const [row] = ((await (await fetch(`${platform.url}/api/desk/conversations?scope=queues`, { headers: { authorization: `Bearer ${token}` } })).json()) as DeskConversationView[]);
    expect(row.lastMessage?.text).toBe('Au secours');
  });
});

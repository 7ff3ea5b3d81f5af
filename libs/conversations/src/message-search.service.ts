import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AgentPrincipal } from '@brigade/agents';
import { AuditService } from '@brigade/audit';
import type { DeskSearchHitView, DeskSearchResultView } from '@brigade/realtime';
import { HIGHLIGHT_START, HIGHLIGHT_STOP, splitHighlights } from './search-snippet';

export interface MessageSearchQuery {
  text: string;
  from?: Date;
  to?: Date;
  channel?: string;
  queue?: string;
  agentId?: string;
  tag?: string;
  limit?: number;
}

export const SEARCH_DEFAULT_LIMIT = 20;
export const SEARCH_MAX_LIMIT = 50;

/** What "<" and ">" become while ts_headline reads the text (see the query), restored after. */
const ANGLE_OPEN_STAND_IN = '\u0003';
const ANGLE_CLOSE_STAND_IN = '\u0004';

/** A chat message up to this length is shown whole; a longer one as up to two fragments around the matches. */
const WHOLE_SNIPPET_CHARACTERS = 280;
const MARKERS = `StartSel=${HIGHLIGHT_START}, StopSel=${HIGHLIGHT_STOP}`;
const WHOLE_HEADLINE = `${MARKERS}, HighlightAll=true`;
const FRAGMENT_HEADLINE = `${MARKERS}, MaxWords=28, MinWords=10, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "`;

/**
 * Who sees what in search: what the desk already lets each one open (ConversationsService.readForDesk). An agent finds
 * the conversations assigned to them (also once closed) and those waiting in one of their queues (their skills);
 * supervisors and admins find every conversation. Never found: the system's own messages, conversations whose citizen
 * used the quick exit (victim safety: nothing of them resurfaces) and purged ones; an erased contact's messages are
 * gone with the contact.
 */
function agentVisibility(agentParam: string): string {
  return `(c.assignee_id = ${agentParam}
           OR (c.status = 'waiting' AND c.queue = ANY((SELECT skills FROM agents WHERE id = ${agentParam})::text[])))`;
}

/**
 * How many of the newest messages a search of the whole platform reads first, in time order (see `search`): when they
 * hold a page of matches, those are the answer, whatever the planner believes about the words.
 */
export const SEARCH_RECENT_WINDOW = 10_000;

/** Whether the text holds more than one word (a hyphenated word is parsed as several lexemes too). */
const severalWords = (text: string) => (text.match(/[\p{L}\p{N}]+/gu) ?? []).length > 1;

/**
 * Where a search reads from (see `search`): the newest messages in time order, the messages of a bounded set of
 * conversations, or whichever index PostgreSQL prefers.
 */
type SearchPlan = 'recent-window' | 'conversations' | 'planner';

interface SearchRow {
  message_id: string;
  conversation_id: string;
  created_at: Date;
  channel: string;
  queue: string;
  status: DeskSearchHitView['status'];
  author_type: DeskSearchHitView['author'];
  direction: DeskSearchHitView['direction'];
  contact_name: string;
  assignee_id: string | null;
  headline: string;
}

/** Full-text search of the messages of the conversations a desk user may see (docs/desk.md, "Search"). */
@Injectable()
export class MessageSearchService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async search(principal: AgentPrincipal, query: MessageSearchQuery): Promise<DeskSearchResultView> {
    const limit = Math.min(Math.max(query.limit ?? SEARCH_DEFAULT_LIMIT, 1), SEARCH_MAX_LIMIT);
    // Newest first. For one word PostgreSQL's estimate is the word's own frequency, and it chooses well between
    // walking the newest messages back (a common word: it stops at the page's last match) and the GIN index (a rare
    // one). For several words it multiplies their frequencies as if they were independent; words that come together
    // ("faux agents des eaux", a canned reply) match hundreds of times more often than that, and the plan it then picks
    // reads every match through the GIN index (tens of thousands of rows, random pages) to sort them. So for several
    // words the plan is chosen here, from what bounds the search:
    // - an agent's search (or one filtered on an agent) covers a few hundred conversations: their messages are read by
    //   conversation and matched on the stored vector, whatever the words;
    // - across the platform, the newest SEARCH_RECENT_WINDOW messages are read in time order first; words found
    //   together in more than about one message in five hundred fill the page there, and the newest matches of that
    //   window are the newest of all. Only when they hold less than a page (rare words, or a narrow filter) is the whole
    //   history searched with PostgreSQL's choice of index: the matches are few then, and the GIN index reads them cheaply.
    const supervising = principal.role === 'supervisor' || principal.role === 'admin';
    let rows: SearchRow[];
    if (!severalWords(query.text)) {
      rows = await this.find(principal, query, limit, 'planner');
    } else if (!supervising || query.agentId) {
      rows = await this.find(principal, query, limit, 'conversations');
    } else {
      rows = await this.find(principal, query, limit, 'recent-window');
      if (rows.length <= limit) rows = await this.find(principal, query, limit, 'planner');
    }
    return this.hitsAudited(principal, query, rows, limit);
  }

  private async find(principal: AgentPrincipal, query: MessageSearchQuery, limit: number, plan: SearchPlan): Promise<SearchRow[]> {
    const supervising = principal.role === 'supervisor' || principal.role === 'admin';
    const params: unknown[] = [query.text];
    const matching = `m.search_vector @@ (websearch_to_tsquery('public.brigade_french', $1) || websearch_to_tsquery('public.brigade_english', $1))`;
    // On the messages' time (read inside the window or the candidates), then on the other columns of the messages and
    // of their conversations.
    const onTime: string[] = [];
    const onMessages = [`m.author_type <> 'system'`];
    const onConversations = [`c.citizen_left_at IS NULL`, `c.purged_at IS NULL`];
    const filter = (where: string[], sql: (placeholder: string) => string, value: unknown) => {
      if (value === undefined || value === null || value === '') return;
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (!supervising) filter(onConversations, agentVisibility, principal.agentId);
    filter(onTime, (p) => `m.created_at >= ${p}`, query.from);
    filter(onTime, (p) => `m.created_at < ${p}`, query.to);
    filter(onMessages, (p) => `m.channel = ${p}`, query.channel);
    filter(onConversations, (p) => `c.queue = ${p}`, query.queue);
    filter(onConversations, (p) => `c.assignee_id = ${p}`, query.agentId);
    filter(onConversations, (p) => `c.tags @> ARRAY[${p}::text]`, query.tag);
    const conversations = `SELECT c.id, c.queue, c.status, c.assignee_id, c.language, c.sensitive, c.contact_id
                             FROM conversations c WHERE ${onConversations.join(' AND ')}`;
    const messageColumns = `m.id, m.conversation_id, m.created_at, m.channel, m.author_type, m.direction, m.text, m.search_vector`;
    const where = (conditions: string[]) => (conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '');
    let candidates: string;
    let source: string;
    let matchConditions: string[];
    if (plan === 'conversations') {
      // The visible conversations (materialised), then each one's messages by conversation: the OFFSET keeps the match
      // out of that read, so that no estimate of the words can send PostgreSQL to the GIN index instead.
      candidates = `visible AS MATERIALIZED (${conversations}),`;
      source = `visible c CROSS JOIN LATERAL (
                  SELECT ${messageColumns} FROM messages m
                   ${where(['m.conversation_id = c.id', ...onTime, ...onMessages])} OFFSET 0) m`;
      matchConditions = [matching];
    } else if (plan === 'recent-window') {
      // The newest messages in time order (ix_messages_search_recent, backwards): a LIMIT below the match keeps
      // PostgreSQL from reading the GIN index instead; the outer LIMIT stops the walk at the page's last match.
      params.push(SEARCH_RECENT_WINDOW);
      candidates = '';
      source = `(SELECT ${messageColumns} FROM messages m ${where(onTime)}
                  ORDER BY m.created_at DESC, m.id DESC LIMIT $${params.length}) m
                JOIN (${conversations}) c ON c.id = m.conversation_id`;
      matchConditions = [matching, ...onMessages];
    } else if (supervising) {
      candidates = '';
      source = `messages m JOIN (${conversations}) c ON c.id = m.conversation_id`;
      matchConditions = [matching, ...onTime, ...onMessages];
    } else {
      // An agent sees a few hundred conversations: those first, so that a common word never makes PostgreSQL read
      // every match of the whole platform.
      candidates = `visible AS MATERIALIZED (${conversations}),`;
      source = `visible c JOIN messages m ON m.conversation_id = c.id`;
      matchConditions = [matching, ...onTime, ...onMessages];
    }
    params.push(limit + 1);
    const limitParam = `$${params.length}`;
    params.push(WHOLE_SNIPPET_CHARACTERS, WHOLE_HEADLINE, FRAGMENT_HEADLINE);
    const [wholeLength, whole, fragments] = [params.length - 2, params.length - 1, params.length].map((n) => `$${n}`);
    // The newest matches first; the contact and the headline (which parses the text again) only for the page returned.
    return this.dataSource.query(
      `WITH ${candidates}
       found AS (
         SELECT m.id, m.conversation_id, m.created_at, m.channel, m.author_type, m.direction, m.text,
                c.queue, c.status, c.assignee_id, c.language, c.sensitive, c.contact_id
           FROM ${source}
          WHERE ${matchConditions.join(' AND ')}
          ORDER BY m.created_at DESC, m.id DESC
          LIMIT ${limitParam}),
       shown AS (
         SELECT f.*, CASE WHEN f.sensitive THEN ct.pseudonym ELSE COALESCE(ct.display_name, ct.pseudonym) END AS contact_name,
                -- The markers out; "<" and ">" swapped for two other control characters, else the headline parser would
                -- take "<b>" for a tag and drop it from what the desk shows.
                translate(f.text, E'<>\\x01\\x02', E'\\x03\\x04') AS headline_text
           FROM found f JOIN contacts ct ON ct.id = f.contact_id),
       query AS (
         SELECT websearch_to_tsquery('public.brigade_french', $1) || websearch_to_tsquery('public.brigade_english', $1) AS q)
       SELECT f.id AS message_id, f.conversation_id, f.created_at, f.channel, f.queue, f.status, f.author_type,
              f.direction, f.contact_name, f.assignee_id,
              (SELECT CASE WHEN strpos(fr, E'\\x01') > 0 OR f.language <> 'en' AND strpos(en, E'\\x01') = 0 THEN fr ELSE en END
                 FROM (SELECT ts_headline('public.brigade_french', f.headline_text, query.q, options) AS fr,
                              ts_headline('public.brigade_english', f.headline_text, query.q, options) AS en
                         FROM (SELECT CASE WHEN length(f.text) <= ${wholeLength} THEN ${whole} ELSE ${fragments} END AS options) o) h)
                AS headline
         FROM shown f, query
        ORDER BY f.created_at DESC, f.id DESC`,
      params,
    );
  }

  private async hitsAudited(
    principal: AgentPrincipal,
    query: MessageSearchQuery,
    rows: SearchRow[],
    limit: number,
  ): Promise<DeskSearchResultView> {
    const more = rows.length > limit;
    const hits: DeskSearchHitView[] = rows.slice(0, limit).map((row) => ({
      conversationId: row.conversation_id,
      messageId: row.message_id,
      createdAt: new Date(row.created_at).toISOString(),
      channel: row.channel,
      queue: row.queue,
      status: row.status,
      author: row.author_type,
      direction: row.direction,
      contactName: row.contact_name,
      assigneeId: row.assignee_id,
      ...splitHighlights(row.headline.replaceAll(ANGLE_OPEN_STAND_IN, '<').replaceAll(ANGLE_CLOSE_STAND_IN, '>')),
    }));
    // Searching reads citizens' words: who searched what, and which conversations it showed, goes to the access audit.
    await this.audit.record({
      actorType: 'agent',
      actorId: principal.agentId,
      action: 'conversation.search',
      subjectType: 'search',
      subjectId: null,
      details: {
        role: principal.role,
        query: query.text,
        filters: {
          from: query.from?.toISOString() ?? null,
          to: query.to?.toISOString() ?? null,
          channel: query.channel ?? null,
          queue: query.queue ?? null,
          agentId: query.agentId ?? null,
          tag: query.tag ?? null,
        },
        conversationIds: [...new Set(hits.map((hit) => hit.conversationId))],
      },
    });
    return { hits, more };
  }
}

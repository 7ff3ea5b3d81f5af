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

/** How far back a search looks first (see `search`). */
const RECENT_DAYS = 31;

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
    // Newest first. Across the whole platform (supervisors), the last RECENT_DAYS first: when they hold a full page,
    // those are the answer; otherwise the whole history. Words that always come together ("faux agents des eaux") fool
    // the planner's estimate of how many messages match, and reading every match over years costs seconds; over a
    // month it stays small. An agent's search is bounded by their own conversations already.
    let rows: SearchRow[] = [];
    if (!query.from && !query.to && (principal.role === 'supervisor' || principal.role === 'admin')) {
      rows = await this.find(principal, { ...query, from: new Date(Date.now() - RECENT_DAYS * 86_400_000) }, limit);
    }
    if (rows.length <= limit) rows = await this.find(principal, query, limit);
    return this.hitsAudited(principal, query, rows, limit);
  }

  private async find(principal: AgentPrincipal, query: MessageSearchQuery, limit: number): Promise<SearchRow[]> {
    const supervising = principal.role === 'supervisor' || principal.role === 'admin';
    const params: unknown[] = [query.text];
    const onMessages = [
      `m.search_vector @@ (websearch_to_tsquery('public.brigade_french', $1) || websearch_to_tsquery('public.brigade_english', $1))`,
      `m.author_type <> 'system'`,
    ];
    const onConversations = [`c.citizen_left_at IS NULL`, `c.purged_at IS NULL`];
    const filter = (where: string[], sql: (placeholder: string) => string, value: unknown) => {
      if (value === undefined || value === null || value === '') return;
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (!supervising) filter(onConversations, agentVisibility, principal.agentId);
    filter(onMessages, (p) => `m.created_at >= ${p}`, query.from);
    filter(onMessages, (p) => `m.created_at < ${p}`, query.to);
    filter(onMessages, (p) => `m.channel = ${p}`, query.channel);
    filter(onConversations, (p) => `c.queue = ${p}`, query.queue);
    filter(onConversations, (p) => `c.assignee_id = ${p}`, query.agentId);
    filter(onConversations, (p) => `c.tags @> ARRAY[${p}::text]`, query.tag);
    // Supervisors search everything: PostgreSQL walks the newest messages back (ix_messages_search_recent) for a common
    // word, or reads the GIN index for a rare one. An agent sees a few thousand conversations at most: those first,
    // then their messages (by conversation), so a common word never makes it read every match of the whole platform.
    const conversations = `SELECT c.id, c.queue, c.status, c.assignee_id, c.language, c.sensitive, c.contact_id
                             FROM conversations c WHERE ${onConversations.join(' AND ')}`;
    const source = supervising
      ? `messages m JOIN (${conversations}) c ON c.id = m.conversation_id`
      : `visible c JOIN messages m ON m.conversation_id = c.id`;
    params.push(limit + 1);
    const limitParam = `$${params.length}`;
    params.push(WHOLE_SNIPPET_CHARACTERS, WHOLE_HEADLINE, FRAGMENT_HEADLINE);
    const [wholeLength, whole, fragments] = [params.length - 2, params.length - 1, params.length].map((n) => `$${n}`);
    // The newest matches first; the headline (which parses the text again) only for the page returned.
    return this.dataSource.query(
      `WITH ${supervising ? '' : `visible AS MATERIALIZED (${conversations}),`}
       found AS (
         SELECT m.id, m.conversation_id, m.created_at, m.channel, m.author_type, m.direction, m.text,
                c.queue, c.status, c.assignee_id, c.language, c.sensitive, c.contact_id
           FROM ${source}
          WHERE ${onMessages.join(' AND ')}
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

// The desk's search box ("/" focuses it) and its results: each opens its conversation at the message found.
import { ReactNode, forwardRef, useState } from 'react';
import * as api from '../api';
import { ChannelIcon } from '../channel-icon';
import type { DeskSearchHitView, DeskSearchResultView } from '../contract';
import { dateTime } from '../format';
import { fill, useLanguage, useT } from '../i18n';
import { useQueueNames } from '../queue-names';

/** The snippet as text nodes, the matching words in <mark>: citizen text is never parsed as markup. */
export function Snippet({ hit }: { hit: Pick<DeskSearchHitView, 'snippet' | 'highlights'> }) {
  const parts: (string | { mark: string })[] = [];
  let at = 0;
  for (const [start, end] of hit.highlights) {
    if (start < at || end > hit.snippet.length) continue;
    if (start > at) parts.push(hit.snippet.slice(at, start));
    parts.push({ mark: hit.snippet.slice(start, end) });
    at = end;
  }
  if (at < hit.snippet.length) parts.push(hit.snippet.slice(at));
  return (
    <span className="snippet">
      {parts.map((part, index) => (typeof part === 'string' ? part : <mark key={index}>{part.mark}</mark>))}
    </span>
  );
}

export interface SearchFilters {
  channel: string;
  queue: string;
  tag: string;
}

/** Search over every conversation I may see; the list's channel, queue and tag filters narrow it too. */
export const DeskSearch = forwardRef<
  HTMLInputElement,
  {
    filters: SearchFilters;
    onOpen: (hit: DeskSearchHitView) => void;
    onActive: (active: boolean) => void;
    /** Shown between the search box and its results: the list's filters, which narrow both. */
    children?: ReactNode;
  }
>(function DeskSearch({ filters, onOpen, onActive, children }, input) {
  const t = useT();
  const language = useLanguage();
  const queueName = useQueueNames();
  const [text, setText] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [result, setResult] = useState<DeskSearchResultView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async () => {
    const q = text.trim();
    if (q.length < 2) return;
    const params = new URLSearchParams({ q });
    // Dates are days of the interface: from the start of "from" to the end of "to".
    if (from) params.set('from', new Date(`${from}T00:00:00`).toISOString());
    if (to) params.set('to', new Date(new Date(`${to}T00:00:00`).getTime() + 86_400_000).toISOString());
    if (filters.channel) params.set('channel', filters.channel);
    if (filters.queue) params.set('queue', filters.queue);
    if (filters.tag) params.set('tag', filters.tag);
    setBusy(true);
    setError(null);
    try {
      setResult(await api.get<DeskSearchResultView>(`/api/desk/search?${params}`));
      onActive(true);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };
  const clear = () => {
    setText('');
    setResult(null);
    setError(null);
    onActive(false);
  };

  return (
    <div className="desk-search">
      <form
        role="search"
        aria-label={t.searchLabel}
        onSubmit={(event) => {
          event.preventDefault();
          void run();
        }}
      >
        <label htmlFor="desk-search-text" className="sr-only">
          {t.searchLabel}
        </label>
        <input
          id="desk-search-text"
          ref={input}
          type="search"
          value={text}
          placeholder={t.searchPlaceholder}
          minLength={2}
          maxLength={200}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape') clear();
          }}
        />
        <button type="submit" disabled={busy || text.trim().length < 2}>
          {t.searchSubmit}
        </button>
        {result && (
          <button type="button" className="link" onClick={clear}>
            {t.searchClear}
          </button>
        )}
        <div className="search-dates">
          <label>
            {t.searchFrom} <input type="date" value={from} onChange={(event) => setFrom(event.target.value)} />
          </label>
          <label>
            {t.searchTo} <input type="date" value={to} onChange={(event) => setTo(event.target.value)} />
          </label>
        </div>
      </form>
      {children}
      {error && (
        <p className="error" role="alert">
          {fill(t.searchFailed, { error })}
        </p>
      )}
      {result && (
        <section className="search-results" aria-label={t.searchLabel} data-testid="search-results">
          <p role="status">{result.hits.length === 0 ? t.searchNone : fill(t.searchResults, { n: String(result.hits.length) })}</p>
          <ul>
            {result.hits.map((hit) => (
              <li key={hit.messageId}>
                <button type="button" className="search-hit" data-message-id={hit.messageId} onClick={() => onOpen(hit)}>
                  <span className="hit-head">
                    <ChannelIcon channel={hit.channel} />
                    <span className="who">{hit.contactName}</span>
                    <span className="hit-queue">{queueName(hit.queue)}</span>
                    <time dateTime={hit.createdAt}>{dateTime(hit.createdAt, language)}</time>
                  </span>
                  <Snippet hit={hit} />
                </button>
              </li>
            ))}
          </ul>
          {result.more && <p className="hint">{t.searchMore}</p>}
        </section>
      )}
    </div>
  );
});

// The agent desk: the conversation lists (tabs, filters, search) on the left, the open one on the right, notices for
// new assignments.
import { useEffect, useRef, useState } from 'react';
import * as api from '../api';
import type { DeskConversationView, DeskListScope, DeskQueueView, MeView } from '../contract';
import { CHANNEL_LABELS, duration, secondsSince } from '../format';
import { ChannelIcon } from '../channel-icon';
import { useLanguage, useT } from '../i18n';
import { DeskSearch, SearchFilters } from './desk-search';
import type { DeskSocket } from '../socket';
import { ConversationPane } from './conversation-pane';
import { PriorityBadge } from './priority-badge';
import { ShortcutsHelp, useDeskShortcuts } from './shortcuts';
import { useDesk } from './use-desk';
import { useAttentionSwitch } from './attention';

// Kept here too for the screens that already import it from the desk screen.
export { PriorityBadge } from './priority-badge';

export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** How often the "waiting in my queues" and "all" tabs are read again while shown (waits tick every second anyway). */
const OTHER_LIST_REFRESH_MS = 15_000;

/** The "waiting in my queues" or "all" list, read while its tab is shown. */
function useOtherList(scope: DeskListScope): DeskConversationView[] {
  const [list, setList] = useState<DeskConversationView[]>([]);
  useEffect(() => {
    if (scope === 'mine') return;
    let live = true;
    const read = () =>
      api.get<DeskConversationView[]>(`/api/desk/conversations?scope=${scope}`).then(
        (conversations) => live && setList(conversations),
        () => undefined,
      );
    void read();
    const timer = setInterval(read, OTHER_LIST_REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [scope]);
  return scope === 'mine' ? [] : list;
}

function useQueues(): DeskQueueView[] {
  const [queues, setQueues] = useState<DeskQueueView[]>([]);
  useEffect(() => {
    api.get<DeskQueueView[]>('/api/desk/queues').then(setQueues, () => setQueues([]));
  }, []);
  return queues;
}

interface ListFilters extends SearchFilters {
  priority: string;
}

const matches = (conversation: DeskConversationView, filters: ListFilters) =>
  (!filters.channel || conversation.channel === filters.channel) &&
  (!filters.queue || conversation.queue === filters.queue) &&
  (!filters.priority || conversation.priority === Number(filters.priority)) &&
  (!filters.tag || conversation.tags.includes(filters.tag.trim().toLowerCase()));

export function DeskScreen({ socket, me, connected }: { socket: DeskSocket; me: MeView; connected: boolean }) {
  const t = useT();
  const language = useLanguage();
  const attention = useAttentionSwitch(me.id);
  const desk = useDesk(socket, me.id, {
    enabled: attention.enabled,
    titles: { assigned: t.notifyAssigned, message: t.notifyMessage, emergency: t.emergencyAlert, alert: t.unansweredAlert },
  });
  const now = useNow();
  const supervising = me.role === 'supervisor' || me.role === 'admin';
  const [scope, setScope] = useState<DeskListScope>('mine');
  const otherList = useOtherList(scope);
  const queues = useQueues();
  const [filters, setFilters] = useState<ListFilters>({ channel: '', queue: '', priority: '', tag: '' });
  const [searching, setSearching] = useState(false);
  const searchInput = useRef<HTMLInputElement>(null);
  const selected =
    desk.conversations.find((c) => c.id === desk.selectedId) ?? (desk.selectedId ? desk.others[desk.selectedId] : undefined) ?? null;
  const totalUnread = Object.entries(desk.unread)
    .filter(([id]) => desk.conversations.some((c) => c.id === id))
    .reduce((sum, [, count]) => sum + count, 0);

  useEffect(() => {
    document.title = totalUnread > 0 ? `(${totalUnread}) ${t.appTitle}` : t.appTitle;
  }, [totalUnread, t]);

  const mine = [...desk.conversations].sort(
    (a, b) => a.priority - b.priority || (a.assignedAt ?? '').localeCompare(b.assignedAt ?? ''),
  );
  // The server orders the other lists (priority, then wait); the tab's filters apply to whichever is shown.
  const ordered = (scope === 'mine' ? mine : otherList).filter((conversation) => matches(conversation, filters));
  const openFromList = (conversationId: string) =>
    scope === 'mine' ? desk.select(conversationId) : void desk.open(conversationId).catch(() => undefined);
  const emergency = desk.notices.find((notice) => notice.kind === 'emergency');
  const [help, setHelp] = useState(false);
  const step = (delta: number) => {
    if (ordered.length === 0) return;
    const index = ordered.findIndex((c) => c.id === desk.selectedId);
    const next = ordered[(index + delta + ordered.length) % ordered.length] ?? ordered[0];
    openFromList(next.id);
  };
  useDeskShortcuts({
    next: () => step(1),
    previous: () => step(-1),
    search: () => searchInput.current?.focus(),
    help: () => setHelp(true),
  });
  const setFilter = (name: keyof ListFilters) => (event: { target: { value: string } }) =>
    setFilters((current) => ({ ...current, [name]: event.target.value }));
  const tabs: { scope: DeskListScope; label: string; count: number | null }[] = [
    { scope: 'mine', label: t.tabMine, count: desk.conversations.length },
    { scope: 'queues', label: t.tabQueues, count: scope === 'queues' ? otherList.length : null },
    ...(supervising ? [{ scope: 'all' as const, label: t.tabAll, count: scope === 'all' ? otherList.length : null }] : []),
  ];

  return (
    <main id="main" className="desk" tabIndex={-1}>
      {emergency && (
        <div className="emergency-alert" role="alertdialog" aria-labelledby="emergency-title" aria-modal="false">
          <p id="emergency-title">
            <strong>{t.emergencyAlert}</strong> — {emergency.text}
          </p>
          <button
            type="button"
            autoFocus
            onClick={() => {
              desk.select(emergency.conversationId);
              desk.dismissNotice(emergency.id);
            }}
          >
            {t.show}
          </button>
        </div>
      )}
      <div className="notices" role="status" aria-live="polite">
        {desk.notices
          .filter((notice) => notice.kind !== 'emergency')
          .map((notice) => (
            <p key={notice.id} className={`notice ${notice.kind}`}>
              {notice.kind === 'assigned' ? t.newAssignment : notice.kind === 'alert' ? t.unansweredAlert : t.removed}
              {t.colon}
              {notice.text}
              <button type="button" className="link" aria-label={t.cancel} onClick={() => desk.dismissNotice(notice.id)}>
                ×
              </button>
            </p>
          ))}
      </div>
      {help && <ShortcutsHelp onClose={() => setHelp(false)} />}
      <nav className="conversation-list" aria-labelledby="list-title">
        <h2 id="list-title" className="sr-only">
          {t.myConversations}
        </h2>
        <DeskSearch
          ref={searchInput}
          filters={filters}
          onActive={setSearching}
          onOpen={(hit) => void desk.open(hit.conversationId, hit.messageId).catch(() => undefined)}
        >
          <fieldset className="list-filters">
            <legend className="sr-only">{t.filtersLabel}</legend>
            <select aria-label={t.channel} value={filters.channel} onChange={setFilter('channel')}>
              <option value="">{t.anyChannel}</option>
              {Object.entries(CHANNEL_LABELS).map(([key, label]) => (
                <option key={key} value={key}>
                  {label}
                </option>
              ))}
            </select>
            <select aria-label={t.queueLabel} value={filters.queue} onChange={setFilter('queue')}>
              <option value="">{t.anyQueue}</option>
              {queues.map((queue) => (
                <option key={queue.key} value={queue.key}>
                  {language === 'en' ? queue.nameEn : queue.nameFr}
                </option>
              ))}
            </select>
            <select aria-label={t.priorityLabel} value={filters.priority} onChange={setFilter('priority')}>
              <option value="">{t.anyPriority}</option>
              {t.priority.map((label, priority) => (
                <option key={priority} value={String(priority)}>
                  {label}
                </option>
              ))}
            </select>
            <input type="text" aria-label={t.tagFilter} placeholder={t.tagFilter} value={filters.tag} onChange={setFilter('tag')} />
          </fieldset>
        </DeskSearch>
        {!searching && (
          <>
            <div role="tablist" aria-label={t.tabsLabel} className="list-tabs">
              {tabs.map((tab) => (
                <button
                  key={tab.scope}
                  type="button"
                  role="tab"
                  id={`tab-${tab.scope}`}
                  aria-selected={scope === tab.scope}
                  aria-controls="conversation-tabpanel"
                  onClick={() => setScope(tab.scope)}
                >
                  {tab.label}
                  {tab.count !== null && ` (${tab.count})`}
                </button>
              ))}
            </div>
            <div role="tabpanel" id="conversation-tabpanel" aria-labelledby={`tab-${scope}`}>
              {ordered.length === 0 && <p className="empty">{scope === 'mine' ? t.noConversations : t.noWaiting}</p>}
              <ul>
                {ordered.map((conversation) => {
                  const last = conversation.lastMessage;
                  const citizenWaiting =
                    conversation.status === 'waiting'
                      ? null
                      : last?.author === 'citizen'
                        ? secondsSince(conversation.lastCitizenMessageAt, now)
                        : null;
                  const queued = conversation.status === 'waiting' ? secondsSince(conversation.waitingSince, now) : null;
                  const count = scope === 'mine' ? (desk.unread[conversation.id] ?? 0) : 0;
                  return (
                    <li key={conversation.id}>
                      <button
                        type="button"
                        className={`conversation-item${conversation.id === desk.selectedId ? ' selected' : ''}`}
                        aria-current={conversation.id === desk.selectedId ? 'true' : undefined}
                        data-conversation-id={conversation.id}
                        onClick={() => openFromList(conversation.id)}
                      >
                        <ChannelIcon channel={conversation.channel} />
                        <span className="who">{conversation.contact.name}</span>
                        {conversation.citizenLeftAt && (
                          <span className="left-flag" data-testid="citizen-left-flag">
                            {t.citizenLeftShort}
                          </span>
                        )}
                        <PriorityBadge priority={conversation.priority} />
                        {count > 0 && (
                          <span className="unread" data-testid="unread">
                            {count} <span className="sr-only">{t.unread}</span>
                          </span>
                        )}
                        <span className="last">
                          {last ? (last.direction === 'internal' ? `${t.note}${t.colon}${last.text}` : last.text) : ''}
                        </span>
                        {citizenWaiting !== null && (
                          <span className="wait">
                            {t.waitingFor} {duration(citizenWaiting)}
                          </span>
                        )}
                        {queued !== null && (
                          <span className="wait" data-testid="queued-wait">
                            {t.waitingSince} {duration(queued)}
                          </span>
                        )}
                      </button>
                    </li>
                  );
                })}
              </ul>
            </div>
          </>
        )}
        <div className="list-footer">
          <div className="fr-toggle fr-toggle--label-left attention-switch">
            <input
              type="checkbox"
              className="fr-toggle__input"
              id="attention-switch"
              data-testid="attention-switch"
              checked={attention.enabled}
              onChange={(event) => attention.setEnabled(event.target.checked)}
            />
            <label className="fr-toggle__label" htmlFor="attention-switch">
              {t.attention}
            </label>
          </div>
          {attention.blocked && <p className="help">{t.attentionBlocked}</p>}
          <button type="button" className="fr-btn fr-btn--tertiary-no-outline fr-btn--sm shortcuts-hint" onClick={() => setHelp(true)}>
            {t.shortcutsHint}
          </button>
        </div>
      </nav>
      <section className="conversation-pane" aria-label={selected ? selected.contact.name : t.history}>
        {selected ? (
          <ConversationPane
            key={selected.id}
            conversation={selected}
            desk={desk}
            me={me}
            now={now}
            connected={connected}
          />
        ) : (
          <p className="empty">{t.selectConversation}</p>
        )}
      </section>
    </main>
  );
}

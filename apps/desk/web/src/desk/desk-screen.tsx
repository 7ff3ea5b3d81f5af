// The agent desk: my conversations on the left, the open one on the right, notices for new assignments.
import { useEffect, useState } from 'react';
import type { MeView } from '../contract';
import { duration, secondsSince } from '../format';
import { ChannelIcon } from '../channel-icon';
import { useT } from '../i18n';
import type { DeskSocket } from '../socket';
import { ConversationPane } from './conversation-pane';
import { PriorityBadge } from './priority-badge';
import { ShortcutsHelp, useDeskShortcuts } from './shortcuts';
import { useDesk } from './use-desk';

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

export function DeskScreen({ socket, me, connected }: { socket: DeskSocket; me: MeView; connected: boolean }) {
  const t = useT();
  const desk = useDesk(socket, me.id);
  const now = useNow();
  const selected = desk.conversations.find((c) => c.id === desk.selectedId) ?? null;
  const totalUnread = Object.entries(desk.unread)
    .filter(([id]) => desk.conversations.some((c) => c.id === id))
    .reduce((sum, [, count]) => sum + count, 0);

  useEffect(() => {
    document.title = totalUnread > 0 ? `(${totalUnread}) ${t.appTitle}` : t.appTitle;
  }, [totalUnread, t]);

  const ordered = [...desk.conversations].sort(
    (a, b) => a.priority - b.priority || (a.assignedAt ?? '').localeCompare(b.assignedAt ?? ''),
  );
  const emergency = desk.notices.find((notice) => notice.kind === 'emergency');
  const [help, setHelp] = useState(false);
  const step = (delta: number) => {
    if (ordered.length === 0) return;
    const index = ordered.findIndex((c) => c.id === desk.selectedId);
    const next = ordered[(index + delta + ordered.length) % ordered.length] ?? ordered[0];
    desk.select(next.id);
  };
  useDeskShortcuts({ next: () => step(1), previous: () => step(-1), help: () => setHelp(true) });

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
        <h2 id="list-title">
          {t.myConversations} ({desk.conversations.length})
        </h2>
        {ordered.length === 0 && <p className="empty">{t.noConversations}</p>}
        <button type="button" className="link shortcuts-hint" onClick={() => setHelp(true)}>
          {t.shortcutsHint}
        </button>
        <ul>
          {ordered.map((conversation) => {
            const last = conversation.lastMessage;
            const citizenWaiting = last?.author === 'citizen' ? secondsSince(conversation.lastCitizenMessageAt, now) : null;
            const count = desk.unread[conversation.id] ?? 0;
            return (
              <li key={conversation.id}>
                <button
                  type="button"
                  className={`conversation-item${conversation.id === desk.selectedId ? ' selected' : ''}`}
                  aria-current={conversation.id === desk.selectedId ? 'true' : undefined}
                  data-conversation-id={conversation.id}
                  onClick={() => desk.select(conversation.id)}
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
                </button>
              </li>
            );
          })}
        </ul>
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

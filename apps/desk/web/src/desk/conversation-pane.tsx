// One conversation: its history, the reply box with drafts and canned replies, and the desk's actions.
import { useEffect, useMemo, useRef, useState } from 'react';
import * as api from '../api';
import type {
  CannedReplyView,
  DeskContactHistoryView,
  DeskConversationView,
  DeskMessageView,
  DeskQueueView,
  MeView,
} from '../contract';
import { KnowledgePanel } from './knowledge-panel';
import type { ColleagueView } from '../../../../../libs/reporting/src/reporting-views';
import { channelOf, clockTime, duration, newClientMessageId, replyWindow, shortDate } from '../format';
import { ChannelIcon } from '../channel-icon';
import { useQueueNames } from '../queue-names';
import { CONVERSATION_ACTION_EVENT, type ConversationAction } from './shortcuts';
import { fill, useLanguage, useT } from '../i18n';
import { PriorityBadge } from './priority-badge';
import type { DeskState } from './use-desk';
import { ReportPanel, useReportLabel } from './report-panel';
import { MessageList } from './message-list';

const draftKey = (agentId: string, conversationId: string) => `brigade.desk.${agentId}.draft.${conversationId}`;

let cannedCache: Promise<CannedReplyView[]> | null = null;
function cannedReplies(): Promise<CannedReplyView[]> {
  cannedCache ??= api.get<CannedReplyView[]>('/api/canned-replies').catch((error) => {
    cannedCache = null;
    throw error;
  });
  return cannedCache;
}

export function ConversationPane({
  conversation,
  desk,
  me,
  now,
  connected,
}: {
  conversation: DeskConversationView;
  desk: DeskState;
  me: MeView;
  now: number;
  connected: boolean;
}) {
  const t = useT();
  const language = useLanguage();
  const queueNames = useQueueNames();
  const messages = desk.messages[conversation.id] ?? [];
  const pending = desk.outbox.filter((item) => item.conversationId === conversation.id);
  const window = replyWindow(conversation.channel, conversation.lastCitizenMessageAt, now);
  const [draft, setDraft] = useState(() => localStorage.getItem(draftKey(me.id, conversation.id)) ?? '');
  const [error, setError] = useState<string | null>(null);
  const [panel, setPanel] = useState<'none' | 'note' | 'close' | 'transfer' | 'escalate' | 'report'>('none');
  const reportLabel = useReportLabel();
  const textarea = useRef<HTMLTextAreaElement>(null);

  // Keyboard shortcuts of the desk (shortcuts.tsx): focus the reply, open the note, transfer or close form.
  useEffect(() => {
    const onAction = (event: Event) => {
      const action = (event as CustomEvent<ConversationAction>).detail;
      if (action === 'reply') textarea.current?.focus();
      else setPanel(action);
    };
    globalThis.addEventListener(CONVERSATION_ACTION_EVENT, onAction);
    return () => globalThis.removeEventListener(CONVERSATION_ACTION_EVENT, onAction);
  }, []);

  useEffect(() => {
    if (draft) localStorage.setItem(draftKey(me.id, conversation.id), draft);
    else localStorage.removeItem(draftKey(me.id, conversation.id));
  }, [draft, me.id, conversation.id]);

  // "A gendarme is writing" follows the draft; it stops after a pause or when the draft is sent or emptied.
  const { reportTyping } = desk;
  useEffect(() => {
    if (!draft.trim()) {
      reportTyping(conversation.id, false);
      return;
    }
    reportTyping(conversation.id, true);
    const pause = setTimeout(() => reportTyping(conversation.id, false), 4000);
    return () => clearTimeout(pause);
  }, [draft, conversation.id, reportTyping]);

  // Opened from another list or a search result: only its assignee answers (the server refuses anyone else).
  const notMine = conversation.status !== 'assigned' || conversation.assigneeId !== me.id;
  const blocked = window.kind === 'closed' || notMine;

  function submitReply() {
    const text = draft.trim();
    if (!text || blocked) return;
    desk.send(conversation.id, text);
    setDraft('');
  }

  function insertCanned(reply: CannedReplyView) {
    // A "/shortcut" being typed is replaced; otherwise the text goes at the caret.
    const element = textarea.current;
    const slash = /(^|\s)\/[\p{L}\p{N}-]*$/u.exec(draft);
    let next: string;
    let caret: number;
    if (slash) {
      next = draft.slice(0, slash.index + slash[1].length) + reply.text;
      caret = next.length;
    } else {
      const start = element?.selectionStart ?? draft.length;
      const end = element?.selectionEnd ?? draft.length;
      next = draft.slice(0, start) + reply.text + draft.slice(end);
      caret = start + reply.text.length;
    }
    setDraft(next);
    requestAnimationFrame(() => {
      element?.focus();
      element?.setSelectionRange(caret, caret);
    });
  }

  async function act<T>(work: () => Promise<T>): Promise<T | undefined> {
    setError(null);
    try {
      return await work();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
      return undefined;
    }
  }

  return (
    <div className="conversation-layout">
    <article className="conversation" aria-labelledby="conversation-title">
      <header className="conversation-header">
        <h2 id="conversation-title">
          <ChannelIcon channel={conversation.channel} /> {conversation.contact.name}
        </h2>
        <PriorityBadge priority={conversation.priority} />
        <span className="queue" data-testid="conversation-queue">
          {t.queue}
          {t.colon}
          {queueNames(conversation.queue)}
        </span>
        {conversation.citizenRating !== null && (
          <span className="rating" data-testid="citizen-rating">
            {t.citizenRating}
            {t.colon}
            {conversation.citizenRating}/5
          </span>
        )}
        <div className="actions" role="toolbar" aria-label={t.actions}>
          <button type="button" onClick={() => setPanel(panel === 'note' ? 'none' : 'note')} aria-expanded={panel === 'note'}>
            {t.addNote}
          </button>
          <button type="button" onClick={() => setPanel(panel === 'report' ? 'none' : 'report')} aria-expanded={panel === 'report'}>
            {reportLabel}
          </button>
          <button type="button" onClick={() => setPanel(panel === 'transfer' ? 'none' : 'transfer')} aria-expanded={panel === 'transfer'}>
            {t.transfer}
          </button>
          <button
            type="button"
            className="danger"
            onClick={() => setPanel(panel === 'escalate' ? 'none' : 'escalate')}
            aria-expanded={panel === 'escalate'}
          >
            {t.escalate}
          </button>
          <button type="button" onClick={() => setPanel(panel === 'close' ? 'none' : 'close')} aria-expanded={panel === 'close'}>
            {t.close}
          </button>
        </div>
      </header>
      {conversation.citizenLeftAt && (
        <p className="citizen-left" role="status" data-testid="citizen-left">
          {fill(t.citizenLeft, { time: clockTime(conversation.citizenLeftAt, language) })}
        </p>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {panel === 'note' && (
        <NoteForm
          onSubmit={(text) =>
            act(async () => {
              const note = await api.post<DeskMessageView>(`/api/conversations/${conversation.id}/notes`, {
                clientMessageId: newClientMessageId(),
                text,
              });
              desk.addLocalMessage(note);
              setPanel('none');
            })
          }
        />
      )}
      {panel === 'transfer' && (
        <TransferForm
          onSubmit={(target, note) =>
            act(async () => {
              await api.post(`/api/conversations/${conversation.id}/transfer`, { ...target, note });
              desk.dropConversation(conversation.id);
            })
          }
          onCancel={() => setPanel('none')}
        />
      )}
      {panel === 'report' && <ReportPanel conversationId={conversation.id} messages={messages} />}
      {panel === 'escalate' && (
        <ReasonForm
          label={t.escalateReason}
          submitLabel={t.escalate}
          onSubmit={(reason) =>
            act(async () => {
              desk.upsertConversation(
                await api.post<DeskConversationView>(`/api/conversations/${conversation.id}/escalate`, { reason }),
              );
              await api
                .get<{ messages: DeskMessageView[] }>(`/api/conversations/${conversation.id}`)
                .then((event) => event.messages.forEach(desk.addLocalMessage));
              setPanel('none');
            })
          }
        />
      )}
      {panel === 'close' && (
        <CloseForm
          onSubmit={(outcome) =>
            act(async () => {
              await api.post(`/api/conversations/${conversation.id}/close`, { outcome });
              localStorage.removeItem(draftKey(me.id, conversation.id));
              desk.dropConversation(conversation.id);
            })
          }
        />
      )}
      <MessageList
        messages={messages}
        focusMessageId={desk.focus?.conversationId === conversation.id ? desk.focus.messageId : undefined}
      />
      <p className="typing" aria-live="polite" data-testid="citizen-typing">
        {desk.typing[conversation.id] ? t.citizenTyping : ''}
      </p>
      {pending.length > 0 && (
        <ul className="outbox" aria-label={t.pending}>
          {pending.map((item) => (
            <li key={item.clientMessageId} className={item.error ? 'failed' : 'pending'}>
              <p className="text">{item.text}</p>
              <span className="meta">
                {item.error ? `${t.status.failed}${t.colon}${item.error}` : connected ? t.sending : t.pending}
              </span>
              {item.error && (
                <>
                  <button type="button" onClick={() => desk.retry(item.clientMessageId)}>
                    {t.send}
                  </button>
                  <button type="button" onClick={() => desk.discard(item.clientMessageId)}>
                    {t.cancel}
                  </button>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      {window.kind !== 'none' && (
        <p className={`reply-window ${window.kind}`} role={window.kind === 'closed' ? 'alert' : 'status'} data-testid="reply-window">
          {window.kind === 'standard'
            ? fill(t.windowOpen, { time: duration(window.secondsLeft) })
            : window.kind === 'human-agent'
              ? fill(t.windowHumanAgent, { time: duration(window.secondsLeft) })
              : t.windowClosed}
        </p>
      )}
      {notMine && (
        <p className="reply-window closed" role="status" data-testid="read-only">
          {t.readOnlyConversation}
        </p>
      )}
      <form
        className="composer"
        onSubmit={(event) => {
          event.preventDefault();
          submitReply();
        }}
      >
        <label htmlFor="reply">{t.reply}</label>
        <textarea
          id="reply"
          ref={textarea}
          rows={3}
          value={draft}
          disabled={blocked}
          aria-describedby="reply-help"
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
              event.preventDefault();
              submitReply();
            }
          }}
        />
        <p id="reply-help" className="help">
          {t.replyHelp}
        </p>
        <CannedReplies query={/(?:^|\s)\/([\p{L}\p{N}-]*)$/u.exec(draft)?.[1] ?? null} onInsert={insertCanned} />
        <button type="submit" disabled={blocked || !draft.trim()}>
          {t.send}
        </button>
      </form>
    </article>
      <aside className="contact-panel" aria-label={t.contactPanel} data-testid="contact-panel">
        <ContactPanel conversation={conversation}>
          <TagsEditor
            conversation={conversation}
            onSave={(tags) =>
              act(async () => desk.upsertConversation(await api.put<DeskConversationView>(`/api/conversations/${conversation.id}/tags`, { tags })))
            }
          />
        </ContactPanel>
        {/*
          Slot for extra tools beside the conversation (knowledge base, report form...): render them here, inside
          this section, given `conversation`; they keep the panel's width and scroll with it.
        */}
        <section className="extra-tools" aria-label={t.extraTools} data-slot="conversation-tools">
          {/* Beside the conversation, not inside the composer: the send button stays under the reply. */}
          <KnowledgePanel
            conversationId={conversation.id}
            channel={conversation.channel}
            citizenMessages={messages.filter((m) => m.author === 'citizen').length}
            onInsert={(text) => insertCanned({ text } as CannedReplyView)}
          />
        </section>
      </aside>
    </div>
  );
}

function CannedReplies({ query, onInsert }: { query: string | null; onInsert: (reply: CannedReplyView) => void }) {
  const t = useT();
  const [replies, setReplies] = useState<CannedReplyView[]>([]);
  const [search, setSearch] = useState('');
  useEffect(() => {
    cannedReplies().then(setReplies, () => setReplies([]));
  }, []);
  const term = (query ?? search).trim().toLowerCase();
  const matches = useMemo(
    () =>
      replies.filter(
        (reply) =>
          !term ||
          reply.shortcut.includes(term) ||
          reply.title.toLowerCase().includes(term) ||
          reply.text.toLowerCase().includes(term),
      ),
    [replies, term],
  );
  return (
    <details className="canned" open={query !== null || undefined}>
      <summary>{t.cannedReplies}</summary>
      <label htmlFor="canned-search">{t.cannedSearch}</label>
      <input
        id="canned-search"
        type="search"
        value={query ?? search}
        onChange={(event) => setSearch(event.target.value)}
        readOnly={query !== null}
      />
      <ul>
        {matches.slice(0, 8).map((reply) => (
          <li key={reply.id}>
            <button type="button" onClick={() => onInsert(reply)} data-shortcut={reply.shortcut}>
              <kbd>/{reply.shortcut}</kbd> {reply.title}
            </button>
          </li>
        ))}
      </ul>
    </details>
  );
}

function NoteForm({ onSubmit }: { onSubmit: (text: string) => Promise<unknown> }) {
  const t = useT();
  const [text, setText] = useState('');
  return (
    <form
      className="panel"
      onSubmit={(event) => {
        event.preventDefault();
        if (text.trim()) void onSubmit(text.trim()).then(() => setText(''));
      }}
    >
      <label htmlFor="note">{t.noteLabel}</label>
      <textarea id="note" rows={2} value={text} onChange={(event) => setText(event.target.value)} autoFocus />
      <button type="submit">{t.addNote}</button>
    </form>
  );
}

function ReasonForm({ label, submitLabel, onSubmit }: { label: string; submitLabel: string; onSubmit: (reason: string) => Promise<unknown> }) {
  const [reason, setReason] = useState('');
  return (
    <form
      className="panel"
      onSubmit={(event) => {
        event.preventDefault();
        if (reason.trim()) void onSubmit(reason.trim());
      }}
    >
      <label htmlFor="reason">{label}</label>
      <input id="reason" value={reason} onChange={(event) => setReason(event.target.value)} required autoFocus maxLength={500} />
      <button type="submit" className="danger">
        {submitLabel}
      </button>
    </form>
  );
}

function CloseForm({ onSubmit }: { onSubmit: (outcome: string) => Promise<unknown> }) {
  const t = useT();
  const [outcome, setOutcome] = useState<keyof typeof t.outcomes>('informed');
  return (
    <form
      className="panel"
      onSubmit={(event) => {
        event.preventDefault();
        void onSubmit(outcome);
      }}
    >
      <label htmlFor="outcome">{t.outcome}</label>
      <select id="outcome" value={outcome} onChange={(event) => setOutcome(event.target.value as keyof typeof t.outcomes)} autoFocus>
        {Object.entries(t.outcomes).map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
      <button type="submit">{t.close}</button>
    </form>
  );
}

function TransferForm({
  onSubmit,
  onCancel,
}: {
  onSubmit: (target: { agentId: string } | { queue: string }, note: string) => Promise<unknown>;
  onCancel: () => void;
}) {
  const t = useT();
  const language = useLanguage();
  const [colleagues, setColleagues] = useState<ColleagueView[]>([]);
  const [queues, setQueues] = useState<DeskQueueView[]>([]);
  const [target, setTarget] = useState('');
  const [note, setNote] = useState('');
  useEffect(() => {
    api.get<ColleagueView[]>('/api/desk/colleagues').then(setColleagues, () => setColleagues([]));
    api.get<DeskQueueView[]>('/api/desk/queues').then(setQueues, () => setQueues([]));
  }, []);
  return (
    <form
      className="panel"
      onSubmit={(event) => {
        event.preventDefault();
        if (!target) return;
        const [kind, value] = target.split(':');
        void onSubmit(kind === 'agent' ? { agentId: value } : { queue: value }, note);
      }}
    >
      <label htmlFor="transfer-target">{t.transferTo}</label>
      <select id="transfer-target" value={target} onChange={(event) => setTarget(event.target.value)} required autoFocus>
        <option value="">—</option>
        <optgroup label={t.agents}>
          {colleagues.map((colleague) => (
            <option key={colleague.id} value={`agent:${colleague.id}`}>
              {colleague.displayName} ({colleague.load}/{colleague.capacity})
            </option>
          ))}
        </optgroup>
        <optgroup label={t.queue}>
          {queues.map((queue) => (
            <option key={queue.key} value={`queue:${queue.key}`}>
              {language === 'en' ? queue.nameEn : queue.nameFr}
            </option>
          ))}
        </optgroup>
      </select>
      <label htmlFor="transfer-note">{t.transferNote}</label>
      <input id="transfer-note" value={note} onChange={(event) => setNote(event.target.value)} maxLength={2000} />
      <button type="submit">{t.transfer}</button>
      <button type="button" onClick={onCancel}>
        {t.cancel}
      </button>
    </form>
  );
}

function TagsEditor({ conversation, onSave }: { conversation: DeskConversationView; onSave: (tags: string[]) => Promise<unknown> }) {
  const t = useT();
  const [value, setValue] = useState(conversation.tags.join(', '));
  useEffect(() => {
    setValue(conversation.tags.join(', '));
  }, [conversation.tags]);
  return (
    <form
      className="tags"
      onSubmit={(event) => {
        event.preventDefault();
        void onSave(value.split(',').map((tag) => tag.trim()).filter(Boolean));
      }}
    >
      <label htmlFor="tags">
        {t.tags} <span className="help">({t.tagsHelp})</span>
      </label>
      <input id="tags" value={value} onChange={(event) => setValue(event.target.value)} />
      <button type="submit">{t.saveTags}</button>
    </form>
  );
}

/**
 * The contact panel: who the citizen is (name or pseudonym, sensitive flag), their identities on each channel and
 * linked contacts, the conversation's tags (given as children), and their earlier conversations, read-only and folded.
 */
function ContactPanel({ conversation, children }: { conversation: DeskConversationView; children: React.ReactNode }) {
  const t = useT();
  const language = useLanguage();
  const outcomeLabel = (outcome: string) => (t.outcomes as Record<string, string>)[outcome] ?? outcome;
  const [history, setHistory] = useState<DeskContactHistoryView | null>(null);
  useEffect(() => {
    api.get<DeskContactHistoryView>(`/api/conversations/${conversation.id}/contact-history`).then(setHistory, () => setHistory(null));
  }, [conversation.id]);
  const contact = history?.contact;
  const contactName = contact?.displayName ?? conversation.contact.name;
  return (
    <>
      <section className="contact-card" aria-labelledby="contact-title">
        <h2 id="contact-title">{contactName}</h2>
        {/* A contact without a name is shown by their pseudonym already: no second line saying it again. */}
        {contact && contact.pseudonym !== contactName && (
          <dl>
            <dt>{t.pseudonym}</dt>
            <dd data-testid="contact-pseudonym">{contact.pseudonym}</dd>
          </dl>
        )}
        {contact?.sensitive && (
          <p className="sensitive-flag" data-testid="sensitive-flag">
            {t.sensitive}
          </p>
        )}
        {contact && contact.identities.length > 0 && (
          <>
            <h3>{t.identities}</h3>
            <ul className="identities" data-testid="identities">
              {contact.identities.map((identity, index) => (
                <li key={`${identity.channel}-${index}`}>
                  <ChannelIcon channel={identity.channel} withLabel />
                  {identity.name ? <span className="identity-name"> · {identity.name}</span> : null}
                </li>
              ))}
            </ul>
          </>
        )}
        {contact && contact.linkedContacts > 0 && <p className="help">{fill(t.linkedContacts, { n: String(contact.linkedContacts) })}</p>}
      </section>
      {children}
      {history && (history.conversations.length > 0 || history.hiddenSensitive > 0) && (
        <details className="contact-history" data-testid="contact-history">
          <summary>
            {t.earlierConversations} ({history.conversations.length})
          </summary>
          {history.hiddenSensitive > 0 && <p className="help">{fill(t.hiddenSensitive, { n: String(history.hiddenSensitive) })}</p>}
          {history.conversations.map((past) => (
            <section key={past.conversation.id} aria-label={channelOf(past.conversation.channel).label}>
              <h3>
                <ChannelIcon channel={past.conversation.channel} withLabel /> · {shortDate(past.conversation.createdAt, language)}
                {past.closeOutcome ? ` · ${t.outcome}${t.colon}${outcomeLabel(past.closeOutcome)}` : ''}
                {past.conversation.citizenRating !== null ? ` · ${t.citizenRating}${t.colon}${past.conversation.citizenRating}/5` : ''}
              </h3>
              <MessageList messages={past.messages} />
            </section>
          ))}
        </details>
      )}
    </>
  );
}

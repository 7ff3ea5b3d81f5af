// A conversation's history: day separators, the system's messages folded, notes and delivery states; long histories
// are virtualised (only the rows in sight, and a few around them, are in the page).
import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import type { DeskMessageView } from '../contract';
import { clockTime, shortDate } from '../format';
import { fill, useLanguage, useT } from '../i18n';
import { AttachmentList } from './attachments';
import './message-list.css';

/**
 * Up to this many rows the whole history is in the page (what a screen reader or the browser's find reads at once);
 * beyond, only the rows in sight. A day of chat is a few dozen rows; a conversation running for days reaches thousands.
 */
export const VIRTUALISE_FROM_ROWS = 120;
/** Rows kept in the page above and below the visible ones: keyboard scrolling never meets an empty band. */
const OVERSCAN_ROWS = 10;
/** Within this distance of the end, the history follows new messages; further up, the reader keeps their place. */
const STICK_TO_END_PX = 80;

type Row =
  | { kind: 'day'; key: string; label: string }
  | { kind: 'message'; key: string; message: DeskMessageView }
  | { kind: 'system'; key: string; messages: DeskMessageView[] };

/**
 * The history as rows: a separator at each new day, and each run of the system's own messages (acknowledgement,
 * queue position, triage prompts) folded into one collapsed line, so that the citizen's and the gendarme's words
 * take the room.
 */
function rowsOf(messages: DeskMessageView[], language: string): Row[] {
  const rows: Row[] = [];
  let day = '';
  for (const message of messages) {
    const label = shortDate(message.createdAt, language);
    if (label !== day) {
      day = label;
      rows.push({ kind: 'day', key: `day-${message.id}`, label });
    }
    const last = rows.at(-1);
    if (message.author === 'system') {
      if (last?.kind === 'system') last.messages.push(message);
      else rows.push({ kind: 'system', key: `system-${message.id}`, messages: [message] });
    } else {
      rows.push({ kind: 'message', key: message.id, message });
    }
  }
  return rows;
}

function authorLabel(t: ReturnType<typeof useT>, message: DeskMessageView): string {
  if (message.direction === 'internal') return message.author === 'system' ? t.system : t.note;
  return message.author === 'citizen' ? t.citizen : message.author === 'system' ? t.system : t.agent;
}

/** Where a row sits in a virtualised list: measured once in the page, counted for assistive technologies. */
interface Placement {
  index: number;
  count: number;
  measure: (element: HTMLLIElement | null) => void;
}

const placementProps = (placement?: Placement) =>
  placement
    ? { ref: placement.measure, 'data-index': placement.index, 'aria-posinset': placement.index + 1, 'aria-setsize': placement.count }
    : {};

function MessageItem({ message, found = false, placement }: { message: DeskMessageView; found?: boolean; placement?: Placement }) {
  const t = useT();
  const language = useLanguage();
  return (
    <li
      className={`message ${message.direction} ${message.author}${found ? ' found' : ''}`}
      data-message-id={message.id}
      data-found={found || undefined}
      {...placementProps(placement)}
    >
      {found && <span className="sr-only">{t.foundMessage}{t.colon}</span>}
      <span className="meta">
        {authorLabel(t, message)} · {clockTime(message.createdAt, language)}
        {message.direction === 'outbound' && (
          <span className={`delivery ${message.deliveryStatus}`} data-testid="delivery">
            {' '}
            · {t.status[message.deliveryStatus]}
            {message.deliveryError ? ` (${message.deliveryError})` : ''}
          </span>
        )}
      </span>
      {/* Citizen text is untrusted: rendered as a text node, never as HTML. */}
      <p className="text">{message.text}</p>
      <AttachmentList attachments={message.attachments ?? []} />
    </li>
  );
}

function RowItem({ row, focusMessageId, placement }: { row: Row; focusMessageId?: string; placement?: Placement }) {
  const t = useT();
  const language = useLanguage();
  if (row.kind === 'day') {
    return (
      <li className="day-separator" data-testid="day-separator" {...placementProps(placement)}>
        <span>{row.label}</span>
      </li>
    );
  }
  if (row.kind === 'system') {
    return (
      <li className="system-group" {...placementProps(placement)}>
        <details data-testid="system-messages">
          <summary>
            {fill(row.messages.length > 1 ? t.systemMessages : t.systemMessage, { n: String(row.messages.length) })} ·{' '}
            {clockTime(row.messages[0].createdAt, language)}
          </summary>
          <ol className="system-list">
            {row.messages.map((message) => (
              <MessageItem key={message.id} message={message} />
            ))}
          </ol>
        </details>
      </li>
    );
  }
  return <MessageItem message={row.message} found={row.message.id === focusMessageId} placement={placement} />;
}

/**
 * What arrives while the history is on screen, read out by screen readers. The list itself is not a live region: a
 * virtualised list adds rows to the page as it scrolls, and those must not be announced as new.
 */
function Arrivals({ messages }: { messages: DeskMessageView[] }) {
  const t = useT();
  const seen = useRef<Set<string> | null>(null);
  const [arrivals, setArrivals] = useState<DeskMessageView[]>([]);
  useEffect(() => {
    if (!seen.current) {
      seen.current = new Set(messages.map((message) => message.id));
      return;
    }
    const fresh = messages.filter((message) => !seen.current!.has(message.id) && message.author !== 'system');
    fresh.forEach((message) => seen.current!.add(message.id));
    if (fresh.length > 0) setArrivals((current) => [...current, ...fresh].slice(-3));
  }, [messages]);
  return (
    <div role="log" aria-live="polite" className="sr-only" data-testid="message-arrivals">
      {arrivals.map((message) => (
        <p key={message.id}>
          {authorLabel(t, message)}
          {t.colon}
          {message.text}
        </p>
      ))}
    </div>
  );
}

/** The list's gap between rows and its padding, in pixels, as the style sheet sets them. */
function useListBox(list: React.RefObject<HTMLOListElement | null>) {
  const [box, setBox] = useState({ gap: 6, paddingTop: 8, paddingBottom: 8 });
  useLayoutEffect(() => {
    if (!list.current) return;
    const style = getComputedStyle(list.current);
    const next = {
      gap: parseFloat(style.rowGap) || 0,
      paddingTop: parseFloat(style.paddingTop) || 0,
      paddingBottom: parseFloat(style.paddingBottom) || 0,
    };
    setBox((current) =>
      current.gap === next.gap && current.paddingTop === next.paddingTop && current.paddingBottom === next.paddingBottom ? current : next,
    );
  }, [list]);
  return box;
}

// Close to the rows' usual heights (one line of text): the fewer corrections once measured, the steadier the scroll.
const estimateRow = (row: Row) => (row.kind === 'day' ? 20 : row.kind === 'system' ? 24 : 46);
const atEnd = (element: HTMLElement) => element.scrollHeight - element.scrollTop - element.clientHeight <= STICK_TO_END_PX;

/**
 * The history of a conversation, oldest first, opened at its end (or at the message a search result pointed to,
 * marked), following new messages while the reader is at the end. Keyboard: the list takes the focus and scrolls with
 * the arrows and page keys.
 */
export const MessageList = memo(function MessageList({
  messages,
  focusMessageId,
}: {
  messages: DeskMessageView[];
  /** A search result opened the conversation at this message: shown in the middle, marked, instead of the end. */
  focusMessageId?: string;
}) {
  const t = useT();
  const language = useLanguage();
  const rows = useMemo(() => rowsOf(messages, language), [messages, language]);
  const virtual = rows.length >= VIRTUALISE_FROM_ROWS;
  const list = useRef<HTMLOListElement>(null);
  const box = useListBox(list);
  const virtualizer = useVirtualizer({
    count: virtual ? rows.length : 0,
    getScrollElement: () => list.current,
    estimateSize: (index) => estimateRow(rows[index]),
    getItemKey: (index) => rows[index]?.key ?? index,
    overscan: OVERSCAN_ROWS,
    gap: box.gap,
    paddingStart: box.paddingTop,
    paddingEnd: box.paddingBottom,
  });

  // Follow the end while the reader is there (or has not scrolled yet); go to the searched message once it is loaded.
  const following = useRef(true);
  const focused = useRef<string | undefined>(undefined);
  useEffect(() => {
    const element = list.current;
    if (!element) return;
    const onScroll = () => {
      following.current = atEnd(element);
    };
    element.addEventListener('scroll', onScroll, { passive: true });
    return () => element.removeEventListener('scroll', onScroll);
  }, []);
  useLayoutEffect(() => {
    const element = list.current;
    if (!element) return;
    if (focusMessageId && focused.current !== focusMessageId) {
      const index = rows.findIndex((row) => row.kind === 'message' && row.message.id === focusMessageId);
      if (index === -1) return; // not loaded yet: the next history update comes back here
      focused.current = focusMessageId;
      following.current = false;
      if (virtual) centreRow(virtualizer, element, index, focusMessageId);
      else element.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(focusMessageId)}"]`)?.scrollIntoView({ block: 'center' });
      return;
    }
    // Opened at a searched message, the history stays there until the reader scrolls to the end themselves.
    if (!following.current) return;
    // The rows' real heights replace the estimates as they are measured: the end is kept in sight meanwhile.
    if (virtual) stickToEnd(virtualizer, element, rows.length);
    else element.scrollTop = element.scrollHeight;
  }, [rows, focusMessageId, virtual, virtualizer]);

  const items = virtual ? virtualizer.getVirtualItems() : [];
  const first = items[0];
  const last = items.at(-1);
  const total = virtualizer.getTotalSize();
  return (
    <>
      {/* Focusable: the history scrolls, and a keyboard user must be able to scroll it even with no link or button inside. */}
      <ol
        ref={list}
        className={`messages${virtual ? ' virtual' : ''}`}
        aria-label={t.history}
        data-testid="messages"
        data-rows={rows.length}
        tabIndex={0}
      >
        {!virtual && rows.map((row) => <RowItem key={row.key} row={row} focusMessageId={focusMessageId} />)}
        {virtual && first && first.start > box.paddingTop && (
          <li aria-hidden="true" className="virtual-spacer" style={{ height: first.start - box.paddingTop - box.gap }} />
        )}
        {virtual &&
          items.map((item) => (
            <RowItem
              key={item.key}
              row={rows[item.index]}
              focusMessageId={focusMessageId}
              placement={{ index: item.index, count: rows.length, measure: virtualizer.measureElement }}
            />
          ))}
        {virtual && last && last.index < rows.length - 1 && (
          <li aria-hidden="true" className="virtual-spacer" style={{ height: Math.max(0, total - box.paddingBottom - last.end - box.gap) }} />
        )}
      </ol>
      <Arrivals messages={messages} />
    </>
  );
});

/**
 * Scrolls a virtualised list so that a row sits in the middle, again as the rows around it are measured (their real
 * heights differ from the estimates), until the row is in the page and stays put.
 */
function centreRow(virtualizer: Virtualizer<HTMLOListElement, Element>, list: HTMLElement, index: number, messageId: string) {
  let tries = 0;
  const settle = () => {
    virtualizer.scrollToIndex(index, { align: 'center' });
    requestAnimationFrame(() => {
      const target = list.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(messageId)}"]`);
      tries += 1;
      if (target) {
        const frame = list.getBoundingClientRect();
        const box = target.getBoundingClientRect();
        const offset = box.top + box.height / 2 - (frame.top + frame.height / 2);
        if (Math.abs(offset) > 2) list.scrollTop += offset;
        if (Math.abs(offset) <= 2 || tries >= 10) return;
      }
      if (tries < 10) settle();
    });
  };
  settle();
}

/** Scrolls a virtualised list to its end, again while the last rows are measured. */
function stickToEnd(virtualizer: Virtualizer<HTMLOListElement, Element>, list: HTMLElement, count: number) {
  let tries = 0;
  const settle = () => {
    virtualizer.scrollToIndex(count - 1, { align: 'end' });
    requestAnimationFrame(() => {
      tries += 1;
      list.scrollTop = list.scrollHeight;
      if (tries < 5 && !atEnd(list)) settle();
    });
  };
  settle();
}

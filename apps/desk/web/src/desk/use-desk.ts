// The desk's live state: my conversations and their messages from REST, kept current by socket events, re-fetched
// on every (re)connection (the database is the truth), with an outbox so that a reply typed offline is not lost.
import { useCallback, useEffect, useRef, useState } from 'react';
import { notifyWhileHidden } from './attention';
import * as api from '../api';
import type { DeskAssignmentEvent, DeskConversationView, DeskMessageView } from '../contract';
import { newClientMessageId } from '../format';
import { mergeMessages, withArrivedMessage } from './message-merge';
import type { DeskSocket } from '../socket';

export interface OutboxItem {
  clientMessageId: string;
  conversationId: string;
  text: string;
  error?: string;
}

export interface DeskNotice {
  id: number;
  kind: 'assigned' | 'emergency' | 'removed' | 'alert';
  conversationId: string;
  text: string;
}

/** How long an information notice (new or removed conversation) stays on screen. */
export const NOTICE_FADE_MS = 8_000;

const storageKey = (agentId: string, what: string) => `brigade.desk.${agentId}.${what}`;

function load<T>(key: string, fallback: T): T {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : fallback;
  } catch {
    return fallback;
  }
}

/** A short two-tone chime from WebAudio: no sound file to ship or to fail loading. */
function chime(urgent: boolean): void {
  try {
    const context = new AudioContext();
    const tones = urgent ? [880, 660, 880, 660] : [660, 880];
    tones.forEach((frequency, index) => {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.value = 0.08;
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(context.currentTime + index * 0.15);
      oscillator.stop(context.currentTime + index * 0.15 + 0.13);
    });
    setTimeout(() => void context.close(), 1500);
  } catch {
    // No audio device (or autoplay refused): the title counter and the visual notice remain.
  }
}

/** What the desk does to get attention while its tab is hidden (the agent's switch, the notifications' titles). */
export interface DeskAttention {
  enabled: boolean;
  titles: { assigned: string; message: string; emergency: string; alert: string };
}

export function useDesk(socket: DeskSocket, agentId: string, attention: DeskAttention = { enabled: true, titles: { assigned: '', message: '', emergency: '', alert: '' } }) {
  const attentionRef = useRef(attention);
  attentionRef.current = attention;
  /** Set once `select` exists: a notification's click opens its conversation. */
  const selectRef = useRef<(conversationId: string) => void>(() => undefined);
  const [conversations, setConversations] = useState<DeskConversationView[]>([]);
  const [messages, setMessages] = useState<Record<string, DeskMessageView[]>>({});
  const [unread, setUnread] = useState<Record<string, number>>(() => load(storageKey(agentId, 'unread'), {}));
  const [outbox, setOutbox] = useState<OutboxItem[]>(() => load(storageKey(agentId, 'outbox'), []));
  const [selectedId, setSelectedId] = useState<string | null>(() => sessionStorage.getItem(storageKey(agentId, 'selected')));
  const [notices, setNotices] = useState<DeskNotice[]>([]);
  /** Conversations opened from another tab or from search (not mine): shown read as the server allows. */
  const [others, setOthers] = useState<Record<string, DeskConversationView>>({});
  /** The message a search result pointed at: the history scrolls to it and marks it. */
  const [focus, setFocus] = useState<{ conversationId: string; messageId: string } | null>(null);
  const othersRef = useRef(others);
  othersRef.current = others;
  /** Conversations whose citizen is typing now (web chat). */
  const [typing, setTyping] = useState<Record<string, boolean>>({});
  const selectedRef = useRef(selectedId);
  selectedRef.current = selectedId;
  const outboxRef = useRef(outbox);
  outboxRef.current = outbox;
  const noticeId = useRef(0);
  const messagesRef = useRef(messages);
  messagesRef.current = messages;
  const conversationsRef = useRef(conversations);
  conversationsRef.current = conversations;

  useEffect(() => {
    localStorage.setItem(storageKey(agentId, 'unread'), JSON.stringify(unread));
  }, [agentId, unread]);
  useEffect(() => {
    localStorage.setItem(storageKey(agentId, 'outbox'), JSON.stringify(outbox));
  }, [agentId, outbox]);
  useEffect(() => {
    if (selectedId) sessionStorage.setItem(storageKey(agentId, 'selected'), selectedId);
  }, [agentId, selectedId]);

  const notify = useCallback((notice: Omit<DeskNotice, 'id'>) => {
    setNotices((current) => {
      // One alert per emergency, whether it came with the assignment or later from the triage.
      if (notice.kind === 'emergency' && current.some((n) => n.kind === 'emergency' && n.conversationId === notice.conversationId)) {
        return current;
      }
      noticeId.current += 1;
      const id = noticeId.current;
      // Information fades by itself; an emergency or a supervisor alert stays until acknowledged.
      if (notice.kind === 'assigned' || notice.kind === 'removed') {
        setTimeout(() => setNotices((later) => later.filter((n) => n.id !== id)), NOTICE_FADE_MS);
      }
      return [...current.slice(-4), { ...notice, id }];
    });
  }, []);
  const dismissNotice = useCallback((id: number) => setNotices((current) => current.filter((n) => n.id !== id)), []);

  const upsertConversation = useCallback((conversation: DeskConversationView) => {
    setConversations((current) => {
      const index = current.findIndex((c) => c.id === conversation.id);
      if (index === -1) return [...current, conversation];
      const next = [...current];
      next[index] = conversation;
      return next;
    });
  }, []);

  const loadConversation = useCallback(async (conversationId: string) => {
    const event = await api.get<DeskAssignmentEvent>(`/api/conversations/${conversationId}`);
    setMessages((current) => ({ ...current, [conversationId]: mergeMessages(current[conversationId] ?? [], event.messages) }));
    return event;
  }, []);

  /**
   * The conversation is on my screen: the citizen's messages become read (web chat "Lu", Messenger "seen").
   * Best effort: a failure changes nothing on the desk.
   */
  const markRead = useCallback((conversationId: string) => {
    void api.post(`/api/conversations/${conversationId}/read`).catch(() => undefined);
  }, []);

  const sendOne = useCallback(
    async (item: OutboxItem) => {
      if (!socket.connected) return;
      try {
        const ack = await socket.timeout(10_000).emitWithAck('message:send', {
          conversationId: item.conversationId,
          clientMessageId: item.clientMessageId,
          text: item.text,
        });
        if (ack.ok) {
          setMessages((current) => ({
            ...current,
            [item.conversationId]: mergeMessages(current[item.conversationId] ?? [], [ack.data]),
          }));
          // The list's preview follows my reply at once (the server does not push my own messages back to me).
          setConversations((current) => current.map((c) => (c.id === item.conversationId ? withArrivedMessage(c, ack.data) : c)));
          setOutbox((current) => current.filter((o) => o.clientMessageId !== item.clientMessageId));
        } else {
          setOutbox((current) =>
            current.map((o) => (o.clientMessageId === item.clientMessageId ? { ...o, error: ack.error } : o)),
          );
        }
      } catch {
        // No acknowledgement in time: the item stays in the outbox and is resent (same id) on reconnection.
      }
    },
    [socket],
  );

  /** Everything the server knows, fetched again: on start and after every reconnection. */
  const resync = useCallback(async () => {
    const mine = await api.get<DeskConversationView[]>('/api/desk/conversations');
    setConversations(mine);
    const open = new Set([...mine.map((c) => c.id), ...Object.keys(othersRef.current)]);
    setMessages((current) => Object.fromEntries(Object.entries(current).filter(([id]) => open.has(id))));
    const selected = selectedRef.current;
    if (selected && open.has(selected)) {
      await loadConversation(selected);
      if (!document.hidden) markRead(selected);
    }
    for (const item of outboxRef.current) if (!item.error && open.has(item.conversationId)) await sendOne(item);
  }, [loadConversation, markRead, sendOne]);

  useEffect(() => {
    const onConnect = () => void resync().catch(() => undefined);
    const onAssigned = (event: DeskAssignmentEvent) => {
      upsertConversation(event.conversation);
      setMessages((current) => ({
        ...current,
        [event.conversation.id]: mergeMessages(current[event.conversation.id] ?? [], event.messages),
      }));
      const inbound = event.messages.filter((m) => m.direction === 'inbound').length;
      if (selectedRef.current !== event.conversation.id || document.hidden) {
        setUnread((current) => ({ ...current, [event.conversation.id]: Math.max(inbound, 1) }));
      }
      const urgent = event.conversation.priority === 0;
      // An emergency always rings; routine arrivals follow the agent's switch.
      if (urgent || attentionRef.current.enabled) chime(urgent);
      if (urgent || attentionRef.current.enabled) {
        const title = urgent ? attentionRef.current.titles.emergency : attentionRef.current.titles.assigned;
        notifyWhileHidden(title, event.conversation.contact.name, event.conversation.id, selectRef.current);
      }
      notify({
        kind: urgent ? 'emergency' : 'assigned',
        conversationId: event.conversation.id,
        text: event.conversation.contact.name,
      });
    };
    const onUpdated = (conversation: DeskConversationView) => {
      if (conversation.status === 'assigned' && conversation.assigneeId === agentId) upsertConversation(conversation);
      else setConversations((current) => current.filter((c) => c.id !== conversation.id));
    };
    const onRemoved = (event: { conversationId: string; reason: string }) => {
      setConversations((current) => {
        const removed = current.find((c) => c.id === event.conversationId);
        if (removed) notify({ kind: 'removed', conversationId: event.conversationId, text: removed.contact.name });
        return current.filter((c) => c.id !== event.conversationId);
      });
    };
    const onMessage = (message: DeskMessageView) => {
      // Pushed again (the citizen resent it, a webhook was retried): already shown and counted.
      const known = (messagesRef.current[message.conversationId] ?? []).some((m) => m.id === message.id);
      setMessages((current) => ({
        ...current,
        [message.conversationId]: mergeMessages(current[message.conversationId] ?? [], [message]),
      }));
      if (known) return;
      if (message.author === 'citizen') setTyping((current) => ({ ...current, [message.conversationId]: false }));
      setConversations((current) => current.map((c) => (c.id === message.conversationId ? withArrivedMessage(c, message) : c)));
      if (message.direction === 'inbound' && (selectedRef.current !== message.conversationId || document.hidden)) {
        setUnread((current) => ({ ...current, [message.conversationId]: (current[message.conversationId] ?? 0) + 1 }));
        const conversation = conversationsRef.current.find((c) => c.id === message.conversationId);
        if (message.author === 'citizen' && document.hidden && conversation && attentionRef.current.enabled) {
          chime(false);
          notifyWhileHidden(attentionRef.current.titles.message, conversation.contact.name, conversation.id, selectRef.current);
        }
      } else if (message.direction === 'inbound') {
        // Arrived in the conversation I am looking at: read as it arrives.
        markRead(message.conversationId);
      }
    };
    const onStatus = (event: { messageId: string; conversationId: string; status: DeskMessageView['deliveryStatus']; error: string | null }) => {
      setMessages((current) => {
        const list = current[event.conversationId];
        if (!list) return current;
        return {
          ...current,
          [event.conversationId]: list.map((m) =>
            m.id === event.messageId ? { ...m, deliveryStatus: event.status, deliveryError: event.error } : m,
          ),
        };
      });
    };
    const onTyping = (event: { conversationId: string; typing: boolean }) =>
      setTyping((current) => ({ ...current, [event.conversationId]: event.typing }));
    // Emergency wording in a conversation I hold (or an emergency given to me above capacity): interrupt the agent.
    const onEmergency = (event: { conversationId: string; priority: number; overflow: boolean }) => {
      let name = '';
      setConversations((current) =>
        current.map((c) => {
          if (c.id !== event.conversationId) return c;
          name = c.contact.name;
          return { ...c, priority: event.priority };
        }),
      );
      chime(true);
      notifyWhileHidden(attentionRef.current.titles.emergency, name, event.conversationId, selectRef.current);
      notify({ kind: 'emergency', conversationId: event.conversationId, text: name });
    };
    // Supervisors: a conversation unanswered with nobody else to take it (the server sends it to supervisor desks only).
    const onAlert = (event: { conversationId: string; agentName: string }) => {
      chime(true);
      notifyWhileHidden(attentionRef.current.titles.alert, event.agentName, event.conversationId, selectRef.current);
      notify({ kind: 'alert', conversationId: event.conversationId, text: event.agentName });
    };
    // Quick exit ("Quitter et effacer"): flagged at once in the list and the conversation.
    const onCitizenLeft = (event: { conversationId: string; leftAt: string }) =>
      setConversations((current) => current.map((c) => (c.id === event.conversationId ? { ...c, citizenLeftAt: event.leftAt } : c)));
    const onRated = (event: { conversationId: string; rating: number }) =>
      setConversations((current) => current.map((c) => (c.id === event.conversationId ? { ...c, citizenRating: event.rating } : c)));
    socket.on('connect', onConnect);
    socket.on('conversation:citizen-left', onCitizenLeft);
    socket.on('conversation:rated', onRated);
    socket.on('supervisor:alert', onAlert);
    socket.on('conversation:emergency', onEmergency);
    socket.on('conversation:typing', onTyping);
    socket.on('conversation:assigned', onAssigned);
    socket.on('conversation:updated', onUpdated);
    socket.on('conversation:removed', onRemoved);
    socket.on('message:new', onMessage);
    socket.on('message:status', onStatus);
    // The list comes from REST, so it shows even while the live connection is still down.
    onConnect();
    return () => {
      socket.off('connect', onConnect);
      socket.off('conversation:citizen-left', onCitizenLeft);
      socket.off('conversation:rated', onRated);
      socket.off('supervisor:alert', onAlert);
      socket.off('conversation:emergency', onEmergency);
      socket.off('conversation:typing', onTyping);
      socket.off('conversation:assigned', onAssigned);
      socket.off('conversation:updated', onUpdated);
      socket.off('conversation:removed', onRemoved);
      socket.off('message:new', onMessage);
      socket.off('message:status', onStatus);
    };
  }, [socket, agentId, resync, upsertConversation, notify, markRead]);

  const select = useCallback(
    (conversationId: string) => {
      setSelectedId(conversationId);
      setUnread((current) => ({ ...current, [conversationId]: 0 }));
      void loadConversation(conversationId).catch(() => undefined);
      markRead(conversationId);
    },
    [loadConversation, markRead],
  );
  selectRef.current = select;

  /**
   * Opens a conversation from the other tabs or from a search result, scrolled to `messageId` when given. One of
   * mine opens as usual; another one is read from the server (which checks that I may, and audits it).
   */
  const open = useCallback(
    async (conversationId: string, messageId?: string) => {
      setFocus(messageId ? { conversationId, messageId } : null);
      if (!conversations.some((c) => c.id === conversationId)) {
        const event = await loadConversation(conversationId);
        setOthers((current) => ({ ...current, [conversationId]: event.conversation }));
      }
      select(conversationId);
    },
    [conversations, loadConversation, select],
  );

  // Reading the open conversation clears its counter when the tab comes back to the front.
  useEffect(() => {
    const onVisible = () => {
      const selected = selectedRef.current;
      if (document.hidden || !selected) return;
      setUnread((current) => ({ ...current, [selected]: 0 }));
      markRead(selected);
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [markRead]);

  const send = useCallback(
    (conversationId: string, text: string) => {
      const item: OutboxItem = { clientMessageId: newClientMessageId(), conversationId, text };
      setOutbox((current) => [...current, item]);
      void sendOne(item);
    },
    [sendOne],
  );

  const retry = useCallback(
    (clientMessageId: string) => {
      const item = outboxRef.current.find((o) => o.clientMessageId === clientMessageId);
      if (!item) return;
      const cleared = { ...item, error: undefined };
      setOutbox((current) => current.map((o) => (o.clientMessageId === clientMessageId ? cleared : o)));
      void sendOne(cleared);
    },
    [sendOne],
  );

  const discard = useCallback((clientMessageId: string) => {
    setOutbox((current) => current.filter((o) => o.clientMessageId !== clientMessageId));
  }, []);

  const addLocalMessage = useCallback((message: DeskMessageView) => {
    setMessages((current) => ({
      ...current,
      [message.conversationId]: mergeMessages(current[message.conversationId] ?? [], [message]),
    }));
  }, []);

  /** Tells the citizen (where the channel allows it) that the agent is writing; at most one event per state change. */
  const lastTyping = useRef<{ conversationId: string; typing: boolean; at: number } | null>(null);
  const reportTyping = useCallback(
    (conversationId: string, isTyping: boolean) => {
      const last = lastTyping.current;
      const now = Date.now();
      if (last && last.conversationId === conversationId && last.typing === isTyping && (!isTyping || now - last.at < 3000)) return;
      lastTyping.current = { conversationId, typing: isTyping, at: now };
      if (socket.connected) socket.emit('typing', { conversationId, typing: isTyping });
    },
    [socket],
  );

  const dropConversation = useCallback((conversationId: string) => {
    setConversations((current) => current.filter((c) => c.id !== conversationId));
    setSelectedId((current) => (current === conversationId ? null : current));
  }, []);

  return {
    conversations,
    others,
    focus,
    open,
    messages,
    unread,
    outbox,
    selectedId,
    notices,
    typing,
    reportTyping,
    select,
    send,
    retry,
    discard,
    dismissNotice,
    upsertConversation,
    addLocalMessage,
    dropConversation,
  };
}

export type DeskState = ReturnType<typeof useDesk>;

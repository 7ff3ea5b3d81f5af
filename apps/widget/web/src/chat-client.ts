/**
 * The citizen's side of the /webchat socket: session token, history merge and deduplication, delivery state of
 * the citizen's own messages, acknowledgements, typing. The view reads `state` and re-renders on each change.
 */
import { io, Socket } from 'socket.io-client';
import {
  WEBCHAT_NAMESPACE,
  type CitizenMessageView,
  type CitizenStatus,
  type WebchatClientToServerEvents,
  type WebchatServerToClientEvents,
} from '../../../../libs/realtime/src/events';
import { readStored, writeStored } from './storage';
import { isFileRefusal, type FileRefusal } from './attachment-texts';

type CitizenSocket = Socket<WebchatServerToClientEvents, WebchatClientToServerEvents>;
type AckResult<T> = { ok: true; data: T } | { ok: false; error: string; status: number };

export type Delivery = 'sending' | 'accepted' | 'read' | 'failed';
export type SendFailure = 'rate-limited' | 'too-long' | 'failed';

export interface ChatMessage {
  /** Stable identity in the list: the client id for the citizen's own messages, the server id otherwise. */
  key: string;
  /** Server ids this message is known by (stored id, and "<visitor>:<client id>" from the send acknowledgement). */
  ids: string[];
  clientMessageId?: string;
  author: CitizenMessageView['author'];
  authorName?: string;
  text: string;
  at: string;
  delivery?: Delivery;
  failure?: SendFailure;
  /** Names of the files the message carried. */
  fileNames?: string[];
}

export interface ChatState {
  connection: 'connecting' | 'online' | 'offline' | 'refused';
  messages: ChatMessage[];
  status: CitizenStatus | null;
  agentTyping: boolean;
}

export interface ChatClientOptions {
  server: string;
  maxMessageLength: number;
}

const SEND_TIMEOUT_MS = 15_000;
const TYPING_REPEAT_MS = 3_000;
const TYPING_IDLE_MS = 4_000;
// A lost "stopped typing" must not leave "a gendarme is writing" on screen for ever.
const AGENT_TYPING_TIMEOUT_MS = 12_000;

export class ChatClient {
  readonly state: ChatState = { connection: 'connecting', messages: [], status: null, agentTyping: false };
  private readonly socket: CitizenSocket;
  private readonly changeListeners: (() => void)[] = [];
  private readonly incomingListeners: ((message: ChatMessage) => void)[] = [];
  private typingSentAt = 0;
  private typingIdleTimer: ReturnType<typeof setTimeout> | undefined;
  private agentTypingTimer: ReturnType<typeof setTimeout> | undefined;

  private readonly server: string;
  /** The widget's language: sent with each message (a new conversation is answered in it) and on every switch. */
  private language = 'fr';

  constructor(private readonly options: ChatClientOptions) {
    this.server = options.server.replace(/\/+$/, '');
    this.socket = io(`${this.server}${WEBCHAT_NAMESPACE}`, {
      // WebSocket first: a quick exit's last event then leaves in one frame, not an HTTP request the navigation cancels.
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      // Read at each (re)connection, so a token issued meanwhile (first connection) is used to resume; the language
      // makes the platform's earlier automatic messages come back worded in it.
      auth: (send) => {
        const token = readStored().token;
        send(token ? { token, language: this.language } : { language: this.language });
      },
      withCredentials: false,
    });
    this.listen();
  }

  onChange(listener: () => void): void {
    this.changeListeners.push(listener);
  }

  /** A message from the gendarme that was not on screen before (for the screen-reader announcement). */
  onIncoming(listener: (message: ChatMessage) => void): void {
    this.incomingListeners.push(listener);
  }

  send(text: string): void {
    const body = text.trim();
    if (!body) return;
    const clientMessageId = newClientMessageId();
    const message: ChatMessage = {
      key: `c:${clientMessageId}`,
      ids: [],
      clientMessageId,
      author: 'citizen',
      text: body,
      at: new Date().toISOString(),
      delivery: 'sending',
    };
    this.state.messages.push(message);
    this.setTyping(false);
    this.transmit(message);
  }

  /**
   * A message with files: one multipart request to the platform, with the session token and the client id (a retry
   * with the same id stores nothing twice). Answers null once the platform has accepted it (the message is then
   * shown), or why it refused: the composer keeps the text and the files so that the citizen can change them.
   */
  async sendFiles(text: string, files: File[], clientMessageId: string): Promise<FileRefusal | null> {
    const token = readStored().token;
    if (!token) return 'failed';
    const form = new FormData();
    form.append('clientMessageId', clientMessageId);
    form.append('text', text.trim());
    form.append('language', this.language);
    for (const file of files) form.append('files', file, file.name);
    let response: Response;
    try {
      response = await fetch(`${this.server}/api/webchat/attachments`, { method: 'POST', headers: { 'x-webchat-token': token }, body: form });
    } catch {
      return 'failed';
    }
    if (!response.ok) {
      const body = (await response.json().catch(() => null)) as { refusal?: unknown } | null;
      if (response.status === 413) return 'too-large';
      return isFileRefusal(body?.refusal) ? body.refusal : 'failed';
    }
    const answer = (await response.json()) as { id: string };
    const key = `c:${clientMessageId}`;
    if (!this.state.messages.some((message) => message.key === key)) {
      this.state.messages.push({
        key,
        ids: [answer.id],
        clientMessageId,
        author: 'citizen',
        text: text.trim(),
        at: new Date().toISOString(),
        delivery: 'accepted',
        fileNames: files.map((file) => file.name),
      });
    }
    this.setTyping(false);
    this.changed();
    return null;
  }

  retry(key: string): void {
    const message = this.state.messages.find((candidate) => candidate.key === key);
    if (!message || message.delivery !== 'failed') return;
    message.delivery = 'sending';
    message.failure = undefined;
    this.transmit(message);
  }

  /** Called on each keystroke: tells the gendarme "typing" now and then, and "stopped" after a pause. */
  noteTyping(): void {
    const now = Date.now();
    if (now - this.typingSentAt > TYPING_REPEAT_MS) {
      this.typingSentAt = now;
      if (this.socket.connected) this.socket.emit('typing', { typing: true });
    }
    clearTimeout(this.typingIdleTimer);
    this.typingIdleTimer = setTimeout(() => this.setTyping(false), TYPING_IDLE_MS);
  }

  /**
   * The citizen chose another language: the platform answers in it from now on (their open conversation too), and
   * sends the history again with its earlier automatic messages (acknowledgement, menu, emergency advice) re-worded.
   */
  setLanguage(language: string): void {
    if (language === this.language) return;
    this.language = language;
    if (this.socket.connected) this.socket.emit('session:language', { language }, () => undefined);
  }

  rate(rating: number): Promise<boolean> {
    return new Promise((resolve) => {
      this.socket.timeout(SEND_TIMEOUT_MS).emit('session:rate', { rating }, (error: Error | null, ack?: AckResult<unknown>) =>
        resolve(!error && !!ack?.ok),
      );
    });
  }

  /**
   * Quick exit: tells the server without waiting for an answer, twice. A socket frame sent while the page is being
   * replaced may be dropped, a beacon is delivered anyway; the server counts the first that arrives.
   */
  leave(): void {
    const token = readStored().token;
    if (token && typeof navigator.sendBeacon === 'function') {
      const body = new Blob([`token=${encodeURIComponent(token)}`], { type: 'application/x-www-form-urlencoded' });
      navigator.sendBeacon(`${this.server}/api/webchat/exit`, body);
    }
    if (this.socket.connected) this.socket.emit('session:leave', {}, () => undefined);
    this.socket.disconnect();
  }

  close(): void {
    this.socket.disconnect();
  }

  /** While the connection is down socket.io holds the event and sends it on reconnection, within the timeout. */
  private transmit(message: ChatMessage): void {
    this.changed();
    this.socket
      .timeout(SEND_TIMEOUT_MS)
      .emit(
        'message:send',
        { clientMessageId: message.clientMessageId!, text: message.text, language: this.language },
        (error: Error | null, ack?: AckResult<{ id: string }>) => {
          if (!error && ack?.ok) {
            if (!message.ids.includes(ack.data.id)) message.ids.push(ack.data.id);
            // A later "read" from the server is not overwritten.
            if (message.delivery === 'sending' || message.delivery === 'failed') message.delivery = 'accepted';
          } else {
            message.delivery = 'failed';
            message.failure = ack && !ack.ok ? failureOf(ack.status) : 'failed';
          }
          this.changed();
        },
      );
  }

  private setTyping(typing: boolean): void {
    clearTimeout(this.typingIdleTimer);
    if (!typing && this.typingSentAt !== 0) {
      this.typingSentAt = 0;
      if (this.socket.connected) this.socket.emit('typing', { typing: false });
    }
  }

  private listen(): void {
    const socket = this.socket;
    socket.on('connect', () => {
      this.state.connection = 'online';
      this.changed();
    });
    socket.on('disconnect', () => {
      this.state.connection = 'offline';
      this.state.agentTyping = false;
      this.changed();
    });
    socket.on('connect_error', (error) => {
      // A refusal by the server's middleware (origin not allowed) is final; anything else is retried.
      this.state.connection = socket.active ? 'offline' : 'refused';
      if (/origin/i.test(error.message)) this.state.connection = 'refused';
      this.changed();
    });
    socket.on('session', (session) => {
      // A new session: either the first visit, or the stored token expired. Nothing of the old one is shown.
      writeStored({ token: session.token });
      this.state.messages = this.state.messages.filter((message) => message.delivery === 'sending');
      this.state.status = null;
      this.changed();
    });
    socket.on('history', (history) => {
      this.mergeHistory(history.messages);
      this.changed();
    });
    socket.on('resync', () => {
      // The server follows with a fresh history; nothing to do until it arrives.
    });
    socket.on('message', (message) => {
      const added = this.upsert(message);
      this.acknowledge([message]);
      if (message.author === 'agent') this.showAgentTyping(false);
      if (added && message.author !== 'citizen') this.incomingListeners.forEach((listener) => listener(added));
      this.changed();
    });
    socket.on('status', (status) => {
      this.state.status = status;
      this.changed();
    });
    socket.on('typing', (event) => {
      this.showAgentTyping(event.typing);
    });
    socket.on('message:status', (event) => {
      // A message sent from this tab is known by its client id until a history gives its stored id.
      const message = this.state.messages.find(
        (candidate) =>
          candidate.ids.includes(event.id) ||
          (!!event.clientMessageId && candidate.clientMessageId === event.clientMessageId),
      );
      if (!message) return;
      if (!message.ids.includes(event.id)) message.ids.push(event.id);
      message.delivery = event.status === 'read' ? 'read' : message.delivery === 'read' ? 'read' : 'accepted';
      this.changed();
    });
  }

  private mergeHistory(history: CitizenMessageView[]): void {
    const merged: ChatMessage[] = [];
    const seen = new Set<string>();
    for (const view of history) {
      const key = keyOf(view);
      if (seen.has(key)) continue;
      seen.add(key);
      const local = this.state.messages.find((candidate) => candidate.key === key);
      merged.push({
        ...toChatMessage(view),
        ids: [...new Set([view.id, ...(local?.ids ?? [])])],
        delivery: view.author === 'citizen' ? (view.read || local?.delivery === 'read' ? 'read' : 'accepted') : undefined,
      });
    }
    // The citizen's own messages that the server has not stored yet (still queued, or never sent) stay at the end.
    const unsettled = this.state.messages.filter((message) => message.author === 'citizen' && !seen.has(message.key));
    this.state.messages = [...merged, ...unsettled];
    this.acknowledge(history);
  }

  /** Adds a live message unless it is already shown (a redelivery after reconnecting); returns it when added. */
  private upsert(view: CitizenMessageView): ChatMessage | null {
    const key = keyOf(view);
    const existing = this.state.messages.find((candidate) => candidate.key === key || candidate.ids.includes(view.id));
    if (existing) {
      if (!existing.ids.includes(view.id)) existing.ids.push(view.id);
      return null;
    }
    const message = toChatMessage(view);
    this.state.messages.push(message);
    return message;
  }

  /** The gendarme's messages on screen are confirmed to the server, which marks them delivered. */
  private acknowledge(views: CitizenMessageView[]): void {
    const ids = views.filter((view) => view.author === 'agent').map((view) => view.id);
    for (let start = 0; start < ids.length; start += 200) {
      this.socket.emit('message:ack', { ids: ids.slice(start, start + 200) });
    }
  }

  private showAgentTyping(typing: boolean): void {
    clearTimeout(this.agentTypingTimer);
    if (typing) this.agentTypingTimer = setTimeout(() => this.showAgentTyping(false), AGENT_TYPING_TIMEOUT_MS);
    if (this.state.agentTyping === typing) return;
    this.state.agentTyping = typing;
    this.changed();
  }

  private changed(): void {
    this.changeListeners.forEach((listener) => listener());
  }

  get maxMessageLength(): number {
    return this.options.maxMessageLength;
  }
}

function keyOf(view: CitizenMessageView): string {
  return view.author === 'citizen' && view.clientMessageId ? `c:${view.clientMessageId}` : `id:${view.id}`;
}

function toChatMessage(view: CitizenMessageView): ChatMessage {
  return {
    key: keyOf(view),
    ids: [view.id],
    clientMessageId: view.clientMessageId,
    author: view.author,
    authorName: view.authorName,
    text: view.text,
    at: view.at,
    delivery: view.author === 'citizen' ? (view.read ? 'read' : 'accepted') : undefined,
    ...(view.fileNames ? { fileNames: view.fileNames } : {}),
  };
}

export { newClientMessageId };

function failureOf(status: number): SendFailure {
  if (status === 429) return 'rate-limited';
  if (status === 400) return 'too-long';
  return 'failed';
}

function newClientMessageId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

import { createHash, randomUUID } from 'node:crypto';
import { io, Socket } from 'socket.io-client';
import type { CitizenMessageView, DeskAssignmentEvent, DeskConversationView, DeskMessageView } from '@brigade/realtime';

/** Ids of citizen messages travel inside their text, so that every side can account for them. */
const TAG = /\[m:([A-Za-z0-9]+)\]/;
const REPLY_TAG = /\[re:([A-Za-z0-9]+)\]/;

type Ack<T> = { ok: true; data: T } | { ok: false; error: string; status: number };

/**
 * A citizen on the web chat who writes at a steady pace and, like the widget, resends a message with the same
 * client id until the platform acknowledges it.
 */
export class CitizenSimulation {
  readonly sent = new Set<string>();
  readonly acknowledged = new Set<string>();
  readonly repliesReceived = new Set<string>();
  /** Message ids under which each reply arrived: two ids for one reply would be a reply shown twice. */
  readonly replyIdsByTag = new Map<string, Set<string>>();
  /** Live pushes per reply message id: more than one is the same message pushed again (the widget keeps one). */
  readonly livePushesById = new Map<string, number>();
  replyEventsReceived = 0;
  private readonly pending = new Set<string>();
  private token: string | undefined;
  private socket: Socket;

  constructor(private readonly baseUrl: string) {
    this.socket = io(`${baseUrl}/webchat`, {
      transports: ['websocket'],
      auth: (callback) => callback(this.token ? { token: this.token } : {}),
      reconnectionDelay: 200,
      reconnectionDelayMax: 1000,
    });
    this.socket.on('session', (session: { token: string }) => (this.token = session.token));
    this.socket.on('message', (message: CitizenMessageView) => this.receive([message], true));
    this.socket.on('history', (history: { messages: CitizenMessageView[] }) => this.receive(history.messages, false));
  }

  async ready(): Promise<void> {
    while (!this.token) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  writeNext(): void {
    const clientMessageId = randomUUID().replace(/-/g, '');
    this.sent.add(clientMessageId);
    this.pending.add(clientMessageId);
    void this.trySend(clientMessageId);
  }

  /** Resends whatever is not acknowledged yet (after a drop, a timeout, a 5xx). */
  retryPending(): void {
    for (const id of this.pending) void this.trySend(id);
  }

  get unacknowledged(): number {
    return this.pending.size;
  }

  close(): void {
    this.socket.disconnect();
  }

  private async trySend(clientMessageId: string): Promise<void> {
    if (!this.socket.connected) return;
    try {
      const ack = (await this.socket
        .timeout(3000)
        .emitWithAck('message:send', { clientMessageId, text: `Bonjour [m:${clientMessageId}]` })) as Ack<unknown>;
      if (ack.ok && this.pending.delete(clientMessageId)) this.acknowledged.add(clientMessageId);
    } catch {
      // No answer in time: retried by retryPending.
    }
  }

  private receive(messages: CitizenMessageView[], live: boolean): void {
    const delivered: string[] = [];
    for (const message of messages) {
      if (message.author !== 'agent') continue;
      const tag = REPLY_TAG.exec(message.text)?.[1];
      if (!tag) continue;
      if (live) {
        this.replyEventsReceived += 1;
        this.livePushesById.set(message.id, (this.livePushesById.get(message.id) ?? 0) + 1);
      }
      this.repliesReceived.add(tag);
      const ids = this.replyIdsByTag.get(tag) ?? new Set<string>();
      this.replyIdsByTag.set(tag, ids.add(message.id));
      delivered.push(message.id);
    }
    if (delivered.length) this.socket.emit('message:ack', { ids: delivered });
  }
}

/** A gendarme's desk that answers every citizen message once, and resynchronises like the real desk does. */
export class AgentSimulation {
  readonly seen = new Set<string>();
  private readonly replied = new Set<string>();
  private readonly unsentReplies = new Map<string, string>();
  private socket: Socket;

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {
    this.socket = io(`${baseUrl}/desk`, {
      transports: ['websocket'],
      auth: { token },
      reconnectionDelay: 200,
      reconnectionDelayMax: 1000,
    });
    this.socket.on('connect', () => {
      this.socket.emit('presence:set', { presence: 'available' }, () => undefined);
      void this.refetch();
    });
    this.socket.on('resync', () => void this.refetch());
    this.socket.on('conversation:assigned', (event: DeskAssignmentEvent) => event.messages.forEach((m) => this.handle(m)));
    this.socket.on('message:new', (message: DeskMessageView) => this.handle(message));
  }

  async connected(): Promise<void> {
    while (!this.socket.connected) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  retryPending(): void {
    for (const [tag, conversationId] of this.unsentReplies) void this.reply(tag, conversationId);
  }

  close(): void {
    this.socket.disconnect();
  }

  private handle(message: DeskMessageView): void {
    if (message.author !== 'citizen') return;
    const tag = TAG.exec(message.text)?.[1];
    if (!tag) return;
    this.seen.add(tag);
    if (this.replied.has(tag)) return;
    this.replied.add(tag);
    this.unsentReplies.set(tag, message.conversationId);
    void this.reply(tag, message.conversationId);
  }

  private async reply(tag: string, conversationId: string): Promise<void> {
    if (!this.socket.connected) return;
    // Derived from the citizen message, so a retried reply is stored once.
    const clientMessageId = createHash('sha256').update(tag).digest('hex').slice(0, 40);
    try {
      const ack = (await this.socket
        .timeout(3000)
        .emitWithAck('message:send', { conversationId, clientMessageId, text: `Réponse [re:${tag}]` })) as Ack<unknown>;
      if (ack.ok) this.unsentReplies.delete(tag);
    } catch {
      // retried by retryPending
    }
  }

  private async refetch(): Promise<void> {
    try {
      const headers = { authorization: `Bearer ${this.token}` };
      const list = (await (await fetch(`${this.baseUrl}/api/desk/conversations`, { headers })).json()) as DeskConversationView[];
      for (const conversation of list) {
        const full = (await (await fetch(`${this.baseUrl}/api/conversations/${conversation.id}`, { headers })).json()) as {
          messages: DeskMessageView[];
        };
        full.messages.forEach((m) => this.handle(m));
      }
    } catch {
      // The API may be restarting; the next connect or resync fetches again.
    }
  }
}

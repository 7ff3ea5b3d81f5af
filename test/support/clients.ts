import { randomUUID } from 'node:crypto';
import { io, Socket } from 'socket.io-client';
import type {
  DeskClientToServerEvents,
  DeskServerToClientEvents,
  WebchatClientToServerEvents,
  WebchatServerToClientEvents,
} from '@brigade/realtime';

export type CitizenClient = Socket<WebchatServerToClientEvents, WebchatClientToServerEvents>;
export type DeskClient = Socket<DeskServerToClientEvents, DeskClientToServerEvents>;

/** Collects every event a socket receives, so a test can wait for one that may already have arrived. */
export class EventLog {
  readonly events: { event: string; payload: unknown }[] = [];
  private waiters: (() => void)[] = [];

  constructor(socket: Socket) {
    socket.onAny((event: string, payload: unknown) => {
      this.events.push({ event, payload });
      this.waiters.forEach((wake) => wake());
    });
  }

  all<T>(event: string): T[] {
    return this.events.filter((e) => e.event === event).map((e) => e.payload as T);
  }

  async waitFor<T>(event: string, predicate: (payload: T) => boolean = () => true, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.all<T>(event).find(predicate);
      if (found !== undefined) return found;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`Timed out waiting for "${event}"; got: ${this.events.map((e) => e.event).join(', ')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.waiters = [];
    }
  }
}

export async function connectCitizen(baseUrl: string, token?: string): Promise<{ socket: CitizenClient; log: EventLog }> {
  const socket: CitizenClient = io(`${baseUrl}/webchat`, {
    transports: ['websocket'],
    auth: token ? { token } : {},
    reconnection: false,
    forceNew: true,
  });
  const log = new EventLog(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return { socket, log };
}

export async function connectDesk(baseUrl: string, token: string | undefined): Promise<{ socket: DeskClient; log: EventLog }> {
  const socket: DeskClient = io(`${baseUrl}/desk`, {
    transports: ['websocket'],
    auth: token ? { token } : {},
    reconnection: false,
    forceNew: true,
  });
  const log = new EventLog(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return { socket, log };
}

export function newClientMessageId(): string {
  return randomUUID().replace(/-/g, '');
}

export async function login(baseUrl: string, loginName: string, password: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: loginName, password }),
  });
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { accessToken: string }).accessToken;
}

import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';
import { APP_CONFIG, AppConfig } from '@brigade/config';

/** The channel the `desk_session_changed` trigger notifies (migration DeskSessionChanges). */
export const SESSION_CHANGES_CHANNEL = 'desk_session_changes';

/**
 * Tells this process, at once, which agents had a session revoked or their role or activity changed, whatever code
 * path did it: PostgreSQL notifies at commit (a trigger on `auth_sessions` and `agents`) and one dedicated connection
 * listens. A lost connection is reopened; `onReconnect` handlers run then, since notifications sent meanwhile are lost.
 * The connection is only opened by the first subscriber (the API's desk gateway): the worker never holds one.
 */
@Injectable()
export class SessionChangesListener implements OnApplicationShutdown {
  private readonly logger = new Logger(SessionChangesListener.name);
  private readonly handlers: ((agentId: string) => void)[] = [];
  private readonly reconnectHandlers: (() => void)[] = [];
  private client: Client | null = null;
  private retry: NodeJS.Timeout | null = null;
  private stopped = false;
  private started = false;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Resolves once this process listens (so a change committed afterwards is never missed). */
  async subscribe(onChange: (agentId: string) => void, onReconnect: () => void): Promise<void> {
    this.handlers.push(onChange);
    this.reconnectHandlers.push(onReconnect);
    if (this.started) return;
    this.started = true;
    await this.connect(false);
  }

  private async connect(again: boolean): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ connectionString: this.config.database.url, connectionTimeoutMillis: 3000 });
    client.on('notification', (message) => {
      if (message.channel !== SESSION_CHANGES_CHANNEL || !message.payload) return;
      for (const handler of this.handlers) handler(message.payload);
    });
    client.on('error', (error) => {
      this.logger.warn({ err: error }, 'session changes connection lost; reopening');
      this.reopen(client);
    });
    client.on('end', () => this.reopen(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${SESSION_CHANGES_CHANNEL}`);
      this.client = client;
      if (again) for (const handler of this.reconnectHandlers) handler();
    } catch (error) {
      this.logger.warn({ err: error }, 'cannot listen to session changes; retrying');
      this.reopen(client);
    }
  }

  private reopen(client: Client): void {
    if (this.stopped || this.retry || (this.client && this.client !== client)) return;
    this.client = null;
    client.end().catch(() => undefined);
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect(true);
    }, 1_000);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }
}

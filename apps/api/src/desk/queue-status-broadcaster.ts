import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig, createRedisClient } from '@brigade/config';
import type { Redis } from 'ioredis';
import type { Namespace } from 'socket.io';
import {
  DeskClientToServerEvents,
  DeskServerToClientEvents,
  QUEUE_WATCH_ROOM,
  QueueStatusEvent,
  RealtimePublisher,
} from '@brigade/realtime';
import { ReportingService } from '@brigade/reporting';

/** Safety net for a lost signal and for the figures time alone changes (waits, breaches). */
export const QUEUE_STATUS_REFRESH_MS = 15_000;
/** A process with watchers renews the mark every refresh; past this, nobody is watching anywhere. */
const WATCHED_TTL_MS = QUEUE_STATUS_REFRESH_MS + 5_000;

/**
 * The supervisor console's live numbers. A change anywhere schedules one deduplicated snapshot job
 * (RealtimePublisher.queueChanged); the API process that takes it reads the figures once and emits them to the
 * watchers' room, which the Redis Streams adapter carries to every API process. Nobody watching: no query at all.
 */
@Injectable()
export class QueueStatusBroadcaster implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(QueueStatusBroadcaster.name);
  private timer: NodeJS.Timeout | null = null;
  /** The /desk namespace, handed over by the gateway once Socket.io is up. */
  private server: Namespace<DeskClientToServerEvents, DeskServerToClientEvents> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly reporting: ReportingService,
    private readonly realtime: RealtimePublisher,
  ) {}

  private redis: Redis | null = null;

  onApplicationBootstrap(): void {
    this.redis = createRedisClient(this.config.redis, { maxRetriesPerRequest: 1 });
    this.redis.on('error', () => undefined);
    this.timer = setInterval(() => {
      if (!this.hasLocalWatchers()) return;
      this.markWatched()
        .then(() => this.realtime.queueChanged('refresh'))
        .catch((error: unknown) => this.logger.warn({ err: error }, 'queue status refresh failed'));
    }, QUEUE_STATUS_REFRESH_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.redis?.disconnect();
  }

  bind(server: Namespace<DeskClientToServerEvents, DeskServerToClientEvents>): void {
    this.server = server;
  }

  /** A supervisor socket of this process started watching. */
  async watcherJoined(): Promise<void> {
    await this.markWatched().catch((error: unknown) => this.logger.warn({ err: error }, 'watch mark not stored'));
  }

  /** Runs for the snapshot job: one computation, one broadcast to every API process. */
  async broadcast(): Promise<void> {
    if (!this.server) return;
    if (!this.hasLocalWatchers() && !(await this.watchedAnywhere())) return;
    const [queue, agents] = await Promise.all([this.reporting.queueLoad(), this.reporting.agents()]);
    const status: QueueStatusEvent = { queue, agents };
    this.server.to(QUEUE_WATCH_ROOM).emit('queue:status', status);
  }

  private hasLocalWatchers(): boolean {
    return (this.server?.adapter.rooms.get(QUEUE_WATCH_ROOM)?.size ?? 0) > 0;
  }

  private get watchedKey(): string {
    return `${this.config.redis.queuePrefix}:queue-status:watched`;
  }

  private async markWatched(): Promise<void> {
    await this.redis?.set(this.watchedKey, '1', 'PX', WATCHED_TTL_MS);
  }

  /** When Redis cannot tell, compute anyway: a useless snapshot is cheaper than a blind supervisor. */
  private async watchedAnywhere(): Promise<boolean> {
    if (!this.redis) return true;
    try {
      return (await this.redis.exists(this.watchedKey)) === 1;
    } catch {
      return true;
    }
  }
}

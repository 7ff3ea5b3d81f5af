import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { APP_CONFIG, AppConfig, createRedisClient } from '@brigade/config';
import { DeskGateway } from './desk/desk.gateway';
import { CitizenSocketData, WebchatGateway } from './webchat/webchat.gateway';
import type { ResyncReason } from '@brigade/realtime';

/**
 * Redis keeps nothing on disk: when it comes back after a restart, events queued for browsers are gone.
 * This process then tells its own sockets to resynchronise: desks re-fetch over REST, citizens get a fresh history.
 */
@Injectable()
export class RealtimeResyncService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RealtimeResyncService.name);
  private redis: Redis | null = null;
  private lostConnection = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly desk: DeskGateway,
    private readonly webchat: WebchatGateway,
  ) {}

  onApplicationBootstrap(): void {
    this.redis = createRedisClient(this.config.redis, { maxRetriesPerRequest: null });
    this.redis.on('error', () => undefined);
    this.redis.on('close', () => {
      this.lostConnection = true;
    });
    this.redis.on('ready', () => {
      if (!this.lostConnection) return;
      this.lostConnection = false;
      this.resyncLocalSockets('redis-reconnected').catch((error: unknown) =>
        this.logger.warn({ err: error }, 'resync after Redis reconnect failed'),
      );
    });
  }

  async resyncLocalSockets(reason: ResyncReason): Promise<void> {
    this.logger.warn({ reason }, 'asking connected browsers to resynchronise');
    this.desk.server.local.emit('resync', { reason });
    for (const socket of this.webchat.server.sockets.values()) {
      const data = socket.data as Partial<CitizenSocketData> | undefined;
      if (typeof data?.visitorId !== 'string') continue;
      socket.emit('resync', { reason });
      // As on a reconnection: the widget's own messages carry their client ids, the automatic ones its language.
      socket.emit('history', { messages: await this.webchat.historyOf({ visitorId: data.visitorId, language: data.language }) });
    }
  }

  onApplicationShutdown(): void {
    this.redis?.disconnect();
  }
}

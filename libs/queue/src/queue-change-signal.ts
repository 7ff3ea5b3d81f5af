import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { APP_CONFIG, AppConfig, createRedisClient } from '@brigade/config';

/** Longest an administrator's request waits for Redis to take the signal; past it the catalogues' short TTL applies. */
const PUBLISH_TIMEOUT_MS = 1_000;

/**
 * Tells every API and worker process that the queues table changed, so that what they keep of it (the triage
 * menu) is read again at the next use. Redis pub/sub carries it between processes; listeners of this process hear
 * it at once. A process that lost its Redis connection may have missed a signal: it drops its copies on reconnect.
 * It owns Redis connections, so it sits in this infrastructure lib; the administration lib only calls it.
 */
@Injectable()
export class QueueChangeSignal implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(QueueChangeSignal.name);
  private readonly listeners = new Set<() => void>();
  private publisher: Redis | null = null;
  private subscriber: Redis | null = null;
  private lostConnection = false;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** One channel per queue prefix: deployments (and test platforms) sharing a Redis do not hear each other. */
  get channel(): string {
    return `${this.config.redis.queuePrefix}:queues-changed`;
  }

  onChange(listener: () => void): void {
    this.listeners.add(listener);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.publisher = createRedisClient(this.config.redis, { maxRetriesPerRequest: null });
    this.subscriber = createRedisClient(this.config.redis, { maxRetriesPerRequest: null });
    for (const connection of [this.publisher, this.subscriber]) connection.on('error', () => undefined);
    this.subscriber.on('message', (channel: string) => {
      if (channel === this.channel) this.notifyLocal();
    });
    this.subscriber.on('close', () => {
      this.lostConnection = true;
    });
    this.subscriber.on('ready', () => {
      if (!this.lostConnection) return;
      this.lostConnection = false;
      this.notifyLocal();
    });
    await this.subscriber.subscribe(this.channel);
  }

  /** After a committed change: this process at once, the others through Redis. Never fails the change itself. */
  async publish(): Promise<void> {
    this.notifyLocal();
    if (!this.publisher) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.publisher.publish(this.channel, String(Date.now())),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('Redis did not take the signal in time')), PUBLISH_TIMEOUT_MS);
        }),
      ]);
    } catch (error) {
      this.logger.warn({ err: error }, 'queue change not broadcast; other processes catch up within their cache time');
    } finally {
      clearTimeout(timer);
    }
  }

  private notifyLocal(): void {
    for (const listener of this.listeners) listener();
  }

  onApplicationShutdown(): void {
    this.publisher?.disconnect();
    this.subscriber?.disconnect();
  }
}

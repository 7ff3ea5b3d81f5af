import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { APP_CONFIG, AppConfig, createRedisClient } from '@brigade/config';
import { platformMetrics } from '@brigade/metrics';

/** The Redis stream every API process's Socket.io adapter reads (one per deployment, all namespaces). */
export const socketStreamName = (queuePrefix: string): string => `${queuePrefix}:socket.io`;

/**
 * Entries kept in that stream: connection-state recovery replays from it, so it must hold the events of a
 * disconnection of a few seconds at full load (a few events per message, 1,000 messages a second).
 */
export const SOCKET_STREAM_MAX_LENGTH = 100_000;

/** socket.io-adapter's wire values: a cluster BROADCAST message carrying a socket.io EVENT packet. */
const BROADCAST_MESSAGE = '3';
const EVENT_PACKET = 2;
/** The sender id the cluster adapter reserves for emitters outside the cluster (it tracks no node for it). */
const EMITTER_UID = 'emitter';

/**
 * Emits to a Socket.io room from any process, API or worker, by appending the broadcast to the adapter's Redis
 * stream: every API process reads it and delivers to its local sockets, with the stream offset as the packet id for
 * connection-state recovery, exactly as for a broadcast made by another API process.
 *
 * Why not a job for an API process to emit: that hop cost each event a job taken and completed (several Redis
 * round trips and a worker slot in the API) on top of the stream append the emit makes anyway.
 */
@Injectable()
export class SocketStreamEmitter implements OnApplicationShutdown {
  private readonly redis: Redis;
  private readonly streamName: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.redis = createRedisClient(config.redis, { maxRetriesPerRequest: 3, lazyConnect: true });
    this.streamName = socketStreamName(config.redis.queuePrefix);
  }

  async emit(namespace: string, room: string, event: string, payload: unknown): Promise<void> {
    const end = platformMetrics.stageSeconds.startTimer({ stage: 'push' });
    try {
      await this.append(namespace, room, event, payload);
    } finally {
      end();
    }
  }

  private async append(namespace: string, room: string, event: string, payload: unknown): Promise<void> {
    const data = JSON.stringify({
      packet: { type: EVENT_PACKET, data: [event, payload], nsp: namespace },
      opts: { rooms: [room], except: [], flags: {} },
    });
    await this.redis.xadd(
      this.streamName,
      'MAXLEN',
      '~',
      String(SOCKET_STREAM_MAX_LENGTH),
      '*',
      'uid',
      EMITTER_UID,
      'nsp',
      namespace,
      'type',
      BROADCAST_MESSAGE,
      'data',
      data,
    );
  }

  /**
   * Deletes every stream entry whose content mentions one of the given strings (ids of an erased contact's
   * conversations, messages and identities): the stream holds the events pushed to desks and citizens, their text
   * included, for connection-state recovery. Read in pages of 1,000 entries; returns how many were deleted.
   */
  async eraseEntriesMentioning(needles: string[]): Promise<number> {
    const wanted = needles.filter((needle) => needle.length >= 8);
    if (wanted.length === 0) return 0;
    let erased = 0;
    let start = '-';
    for (;;) {
      const page = (await this.redis.xrange(this.streamName, start, '+', 'COUNT', 1000)) as [string, string[]][];
      const matching = page.filter(([, fields]) => fields.some((field) => wanted.some((needle) => field.includes(needle)))).map(([id]) => id);
      if (matching.length > 0) erased += await this.redis.xdel(this.streamName, ...matching);
      if (page.length < 1000) return erased;
      start = `(${page[page.length - 1][0]}`;
    }
  }

  /**
   * Closed in the last shutdown step, not at module destroy (the first): the jobs still finishing before then (see the
   * worker's InFlightWorkDrain) must still be able to tell the desks and citizens what they did.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

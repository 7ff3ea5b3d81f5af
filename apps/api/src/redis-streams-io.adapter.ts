import { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Redis } from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';
import { AppConfig, createRedisClient } from '@brigade/config';
import { SOCKET_STREAM_MAX_LENGTH, socketStreamName } from '@brigade/realtime';

/**
 * Socket.io shared by every API process through a Redis stream, which survives a Redis reconnect and
 * supports connection-state recovery (the pub/sub adapter does neither).
 *
 * Everything the adapter keeps in Redis is named after QUEUE_PREFIX, as the queues are: the stream, the pub/sub
 * channels of cross-process requests (fetchSockets) and the sessions kept for recovery. With the library's default
 * channel, every deployment sharing a Redis counted the others' processes as its own and waited for their answers.
 */
export class RedisStreamsIoAdapter extends IoAdapter {
  private readonly redis: Redis;
  /** The adapter's own connections (stream reader, subscriber), made by duplicating `redis`. */
  private readonly duplicates: Redis[] = [];

  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
  ) {
    super(app);
    this.redis = createRedisClient(config.redis, { maxRetriesPerRequest: null });
    const duplicate = this.redis.duplicate.bind(this.redis);
    this.redis.duplicate = (...args: Parameters<Redis['duplicate']>) => {
      const connection = duplicate(...args);
      ignoreDisconnectOnceEnded(connection);
      this.duplicates.push(connection);
      return connection;
    };
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const origins = this.config.webchat.allowedOrigins;
    return super.createIOServer(port, {
      ...options,
      cors: { origin: origins.includes('*') ? true : origins, credentials: false },
      maxHttpBufferSize: 64 * 1024,
      connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false },
      // The same stream the other processes emit to (SocketStreamEmitter).
      adapter: createAdapter(this.redis, {
        streamName: socketStreamName(this.config.redis.queuePrefix),
        maxLen: SOCKET_STREAM_MAX_LENGTH,
        channelPrefix: `${this.config.redis.queuePrefix}:socket.io`,
        sessionKeyPrefix: `${this.config.redis.queuePrefix}:sio:session:`,
      }),
    });
  }

  override async dispose(): Promise<void> {
    await super.dispose();
    // QUIT lets the sessions persisted for connection-state recovery reach Redis before the connection closes.
    await this.redis.quit().catch(() => this.redis.disconnect());
    // The stream reader would otherwise stay connected until its blocking read returns (up to 5 s after close).
    this.duplicates.splice(0).forEach((connection) => connection.disconnect());
  }
}

/**
 * The adapter's stream reader calls disconnect() again when its pending read fails because the connection closed. On
 * a connection already closed, ioredis then arms a 2 s timer to destroy a socket that will never emit 'close' again:
 * that timer kept the process alive after the app closed (jest: "did not exit one second after the test run").
 */
function ignoreDisconnectOnceEnded(connection: Redis): void {
  const disconnect = connection.disconnect.bind(connection);
  connection.disconnect = (reconnect?: boolean) => {
    if (connection.status === 'end' && !reconnect) return;
    disconnect(reconnect);
  };
}

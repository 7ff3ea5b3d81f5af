import { Injectable, Logger } from '@nestjs/common';
import { JobProducer, QueueName } from '@brigade/queue';
import {
  DESK_NAMESPACE,
  DeskServerToClientEvents,
  QUEUE_WATCH_ROOM,
  SUPERVISORS_ROOM,
  WEBCHAT_NAMESPACE,
  WebchatServerToClientEvents,
  agentRoom,
  citizenRoom,
} from './events';
import { SocketStreamEmitter } from './socket-stream-emitter';

/**
 * Shortest time between two `queue:status` snapshots, across every process: every change within it is served by
 * one computation, made at its end.
 */
export const QUEUE_STATUS_INTERVAL_MS = 1_000;
/** Deduplication id of the pending snapshot job (one waiting and one running at most, cluster-wide). */
const QUEUE_STATUS_JOB = 'queue-status';
/** Desk events that change what the supervisors see of the queue. */
const QUEUE_CHANGING_EVENTS = new Set<keyof DeskServerToClientEvents>([
  'conversation:assigned',
  'conversation:removed',
  'conversation:updated',
]);

/**
 * Lets any process, the worker included, reach browsers: the event is appended to the Socket.io adapter's Redis
 * stream, which every API process reads (SocketStreamEmitter). The supervisors' queue snapshot is the exception: it
 * goes through the realtime queue to one API process, which computes it (see queueChanged).
 */
@Injectable()
export class RealtimePublisher {
  private readonly logger = new Logger(RealtimePublisher.name);

  constructor(
    private readonly jobs: JobProducer,
    private readonly stream: SocketStreamEmitter,
  ) {}

  async toAgent<E extends keyof DeskServerToClientEvents>(
    agentId: string,
    event: E,
    payload: Parameters<DeskServerToClientEvents[E]>[0],
  ): Promise<void> {
    await this.stream.emit(DESK_NAMESPACE, agentRoom(agentId), event, payload);
    if (QUEUE_CHANGING_EVENTS.has(event)) await this.queueChanged(event);
  }

  /** Every supervisor and administrator desk, on every API process. */
  async toSupervisors<E extends keyof DeskServerToClientEvents>(
    event: E,
    payload: Parameters<DeskServerToClientEvents[E]>[0],
  ): Promise<void> {
    await this.stream.emit(DESK_NAMESPACE, SUPERVISORS_ROOM, event, payload);
    await this.queueChanged(event);
  }

  async toCitizen<E extends keyof WebchatServerToClientEvents>(
    visitorId: string,
    event: E,
    payload: Parameters<WebchatServerToClientEvents[E]>[0],
  ): Promise<void> {
    await this.stream.emit(WEBCHAT_NAMESPACE, citizenRoom(visitorId), event, payload);
  }

  /**
   * The queue changed (arrival, assignment, close, presence): the supervisors watching it get a fresh `queue:status`
   * within QUEUE_STATUS_INTERVAL_MS. The job carries no figures: the API process that takes it reads them once
   * from PostgreSQL and broadcasts them to every process. Deduplicated in Redis, so a burst of changes costs one
   * snapshot; a change made while a snapshot is being computed schedules exactly one more. Never throws: a lost
   * signal is caught up by the API's periodic refresh.
   */
  async queueChanged(reason: string): Promise<void> {
    try {
      await this.jobs.add(
        QueueName.Realtime,
        { namespace: 'desk', room: QUEUE_WATCH_ROOM, event: 'queue:status', payload: { reason } },
        { delay: QUEUE_STATUS_INTERVAL_MS, deduplication: { id: QUEUE_STATUS_JOB, keepLastIfActive: true } },
      );
    } catch (error) {
      this.logger.warn({ err: error, reason }, 'queue status refresh not scheduled');
    }
  }
}

import { Injectable } from '@nestjs/common';
import { JobProducer, QueueName } from '@brigade/queue';
import {
  DeskServerToClientEvents,
  WebchatServerToClientEvents,
  agentRoom,
  citizenRoom,
} from './events';

/**
 * Lets processes without sockets (the worker) reach browsers: the event goes through the realtime queue
 * to whichever API process takes it, which emits it through the shared Socket.io adapter.
 */
@Injectable()
export class RealtimePublisher {
  constructor(private readonly jobs: JobProducer) {}

  async toAgent<E extends keyof DeskServerToClientEvents>(
    agentId: string,
    event: E,
    payload: Parameters<DeskServerToClientEvents[E]>[0],
  ): Promise<void> {
    await this.jobs.add(QueueName.Realtime, { namespace: 'desk', room: agentRoom(agentId), event, payload });
  }

  async toCitizen<E extends keyof WebchatServerToClientEvents>(
    visitorId: string,
    event: E,
    payload: Parameters<WebchatServerToClientEvents[E]>[0],
  ): Promise<void> {
    await this.jobs.add(QueueName.Realtime, { namespace: 'webchat', room: citizenRoom(visitorId), event, payload });
  }
}

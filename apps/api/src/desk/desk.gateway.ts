import { BeforeApplicationShutdown, ForbiddenException, Inject, Logger, UseInterceptors } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { z } from 'zod';
import { AgentPrincipal, AgentsService, AuthService, PRESENCES } from '@brigade/agents';
import { ReplyToCitizenUseCase, SenderActionsService } from '@brigade/channels';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { CitizenSessionService, ConversationsService } from '@brigade/conversations';
import { JobProducer, QueueName } from '@brigade/queue';
import {
  DESK_NAMESPACE,
  DeskClientToServerEvents,
  DeskServerToClientEvents,
  QUEUE_WATCH_ROOM,
  RealtimePublisher,
  SUPERVISORS_ROOM,
  WEBCHAT_NAMESPACE,
  WebchatServerToClientEvents,
  agentRoom,
  citizenRoom,
} from '@brigade/realtime';
import { acknowledge, parsePayload } from '../socket-ack';
import { QueueStatusBroadcaster } from './queue-status-broadcaster';
import { CorrelationInterceptor } from '../correlation.interceptor';

type DeskSocket = Socket<DeskClientToServerEvents, DeskServerToClientEvents, Record<string, never>, { principal: AgentPrincipal }>;

const presenceRequest = z.object({ presence: z.enum(PRESENCES) }).strict();
const sendRequest = z
  .object({
    conversationId: z.string().uuid(),
    clientMessageId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
    text: z.string().min(1).max(4000),
  })
  .strict();

const typingRequest = z.object({ conversationId: z.string().uuid(), typing: z.boolean() }).strict();

const watchRequest = z.object({ watch: z.boolean() }).strict();

/**
 * The agents' live channel. The JWT is checked in the handshake; every socket joins its agent's room.
 * Presence follows the agent, not one socket: only when the last tab or device of an agent disconnects (on any
 * API process) does the grace period start, and a reconnection anywhere ends it.
 */
@WebSocketGateway({ namespace: DESK_NAMESPACE })
// Global interceptors do not reach gateways: each socket event gets its correlation id here.
@UseInterceptors(CorrelationInterceptor)
export class DeskGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeskGateway.name);
  /** Sockets closed by our own shutdown are not agents leaving: no presence change, no cross-process query. */
  private shuttingDown = false;
  /** Disconnections still being recorded (presence mark, cross-process check, grace job). */
  private readonly leaving = new Set<Promise<void>>();

  @WebSocketServer()
  server: Namespace<DeskClientToServerEvents, DeskServerToClientEvents>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly auth: AuthService,
    private readonly agents: AgentsService,
    private readonly conversations: ConversationsService,
    private readonly jobs: JobProducer,
    private readonly replyToCitizen: ReplyToCitizenUseCase,
  ) {}

  afterInit(namespace: Namespace): void {
    this.queueStatus.bind(namespace);
    // Guards do not run on connection: the handshake is authenticated here, before any event is accepted.
    namespace.use((socket, next) => {
      const token: unknown = socket.handshake.auth?.token;
      this.auth
        .verifyAccessToken(typeof token === 'string' ? token : null)
        .then((principal) => {
          if (!principal) return next(new Error('unauthorized'));
          socket.data.principal = principal;
          next();
        })
        .catch(() => next(new Error('unauthorized')));
    });
  }

  async handleConnection(socket: DeskSocket): Promise<void> {
    const principal = socket.data.principal;
    if (!principal) {
      socket.disconnect(true);
      return;
    }
    await socket.join(agentRoom(principal.agentId));
    if (principal.role !== 'agent') await socket.join(SUPERVISORS_ROOM);
    await this.agents.markConnected(principal.agentId);
    this.logger.debug({ agentId: principal.agentId }, 'desk connected');
  }

  handleDisconnect(socket: DeskSocket): Promise<void> {
    const run = this.recordLeaving(socket).finally(() => this.leaving.delete(run));
    this.leaving.add(run);
    return run;
  }

  private async recordLeaving(socket: DeskSocket): Promise<void> {
    const agentId = socket.data.principal?.agentId;
    if (!agentId || this.shuttingDown) return;
    // Another tab of this agent on this process: nothing to do.
    if (this.server.adapter.rooms.get(agentRoom(agentId))?.size) return;
    // Marked first, then checked across processes: a tab connecting elsewhere meanwhile clears the mark itself.
    try {
      await this.agents.markDisconnected(agentId);
    } catch (error) {
      // PostgreSQL unreachable (or the process stopping): the agent's tabs reconnect and set their presence again.
      this.logger.warn({ err: error, agentId }, 'disconnection not recorded');
      return;
    }
    try {
      if (await this.agentStillConnected(agentId)) {
        await this.agents.markConnected(agentId);
        return;
      }
    } catch (error) {
      // A process that does not answer (stopped, or still starting): the grace period runs; any live tab of
      // the agent on that process is not seen, and it clears the mark again only when it reconnects.
      this.logger.warn({ err: error, agentId }, 'could not check the other API processes');
    }
    // The routing tick applies the grace period too; this job only makes it prompt, so failing to queue it (Redis
    // going away, the process stopping) costs nothing but promptness and must not become an unhandled rejection.
    await this.jobs
      .add(
        QueueName.Routing,
        { reason: 'presence-grace' },
        { delay: this.config.routing.presenceGraceMs + 250, jobId: `presence-grace-${agentId}-${Date.now()}` },
      )
      .catch((error: unknown) => this.logger.warn({ err: error, agentId }, 'presence grace job not queued; the routing tick applies it'));
  }

  /** Across every API process (the Redis Streams adapter answers for the others). */
  private async agentStillConnected(agentId: string): Promise<boolean> {
    return (await this.server.in(agentRoom(agentId)).fetchSockets()).length > 0;
  }

  /**
   * Before Socket.io and the Redis connections close: the disconnections being recorded finish first, so that none
   * of their cross-process queries is cut off by the closing connections (an error nobody would be waiting for).
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    await Promise.allSettled([...this.leaving]);
  }

  @SubscribeMessage('presence:set')
  async setPresence(@ConnectedSocket() socket: DeskSocket, @MessageBody() body: unknown) {
    const request = parsePayload(presenceRequest, body);
    if (!request.ok) return request;
    return acknowledge(async () => {
      const status = await this.agents.setPresence(socket.data.principal.agentId, request.value.presence);
      this.server.to(agentRoom(status.id)).emit('presence:changed', { presence: status.presence });
      if (status.presence === 'available') await this.jobs.add(QueueName.Routing, { reason: 'agent-available' });
      if (status.presence === 'offline') await this.jobs.add(QueueName.Routing, { reason: 'presence-offline' });
      await this.realtime.queueChanged('presence');
      return { presence: status.presence };
    });
  }

  @SubscribeMessage('message:send')
  async send(@ConnectedSocket() socket: DeskSocket, @MessageBody() body: unknown) {
    const request = parsePayload(sendRequest, body);
    if (!request.ok) return request;
    const { conversationId, clientMessageId, text } = request.value;
    return acknowledge(async () => {
      const message = await this.replyToCitizen.execute(socket.data.principal, conversationId, clientMessageId, text);
      // The agent's other tabs show the reply too.
      socket.to(agentRoom(socket.data.principal.agentId)).emit('message:new', message);
      return message;
    });
  }

  // Injected as properties so that the typing relay stays an addition to this gateway.
  @Inject(CitizenSessionService)
  private readonly citizenSessions: CitizenSessionService;
  @Inject(SenderActionsService)
  private readonly senderActions: SenderActionsService;

  /**
   * The agent is typing: the web chat citizen of that conversation sees "a gendarme is writing", a Messenger citizen
   * "typing…" (sender action).
   */
  @SubscribeMessage('typing')
  async typing(@ConnectedSocket() socket: DeskSocket, @MessageBody() body: unknown) {
    const request = parsePayload(typingRequest, body);
    if (!request.ok) return request;
    const { conversationId, typing } = request.value;
    return acknowledge(async () => {
      const visitorId = await this.citizenSessions.webchatVisitorOf(socket.data.principal.agentId, conversationId);
      if (visitorId) {
        const webchat = this.server.server.of(WEBCHAT_NAMESPACE) as unknown as Namespace<
          Record<string, never>,
          WebchatServerToClientEvents
        >;
        webchat.to(citizenRoom(visitorId)).emit('typing', { typing });
        return { forwarded: true };
      }
      // Messenger: a best-effort sender action, queued (thinned out, within the reply window) without waiting for Meta.
      const queued = await this.senderActions.requestFromDesk(
        socket.data.principal.agentId,
        conversationId,
        typing ? 'typing_on' : 'typing_off',
      );
      return { forwarded: queued };
    });
  }

  // Injected as properties so that the supervisors' live view stays an addition to this gateway.
  @Inject(RealtimePublisher)
  private readonly realtime: RealtimePublisher;
  @Inject(QueueStatusBroadcaster)
  private readonly queueStatus: QueueStatusBroadcaster;

  /**
   * The supervisor console starts (or stops) receiving `queue:status`. The role is read again from the database:
   * an agent, or a supervisor demoted since the socket connected, is refused (403) and never joins the room.
   */
  @SubscribeMessage('queue:watch')
  async watchQueue(@ConnectedSocket() socket: DeskSocket, @MessageBody() body: unknown) {
    const request = parsePayload(watchRequest, body);
    if (!request.ok) return request;
    return acknowledge(async () => {
      if (!request.value.watch) {
        await socket.leave(QUEUE_WATCH_ROOM);
        return { watching: false };
      }
      const { role } = await this.agents.status(socket.data.principal.agentId);
      if (role !== 'supervisor' && role !== 'admin') throw new ForbiddenException('Réservé aux superviseurs');
      await socket.join(QUEUE_WATCH_ROOM);
      await this.queueStatus.watcherJoined();
      return { watching: true };
    });
  }
}

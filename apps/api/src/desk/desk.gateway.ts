import { BeforeApplicationShutdown, ForbiddenException, UnauthorizedException, Inject, Logger, OnModuleInit, UseInterceptors } from '@nestjs/common';
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
import { AgentPrincipal, AgentsService, AuthService, PRESENCES, SessionChangesListener } from '@brigade/agents';
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
import { AckFailure, acknowledge, parsePayload } from '../socket-ack';
import { QueueStatusBroadcaster } from './queue-status-broadcaster';
import { CorrelationInterceptor } from '../correlation.interceptor';

type DeskSocket = Socket<DeskClientToServerEvents, DeskServerToClientEvents, Record<string, never>, { principal: AgentPrincipal }>;

/**
 * What each socket of this process holds of its session, outside `socket.data` (which connection-state recovery
 * copies to Redis): the access token it was opened or last renewed with, checked again on every event, and the timer
 * that disconnects it when that token expires.
 */
interface SocketSession {
  token: string;
  expiry?: NodeJS.Timeout;
}

/** Every open desk socket is checked again this often, in case a session change was not heard (a lost connection). */
const SESSION_SWEEP_MS = 30_000;

/** The expiry (ms since epoch) of a token already verified, or null. */
function tokenExpiry(token: string): number | null {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : null;
  } catch {
    return null;
  }
}

const SESSION_ENDED: AckFailure = { ok: false, error: 'Session terminée : reconnectez-vous', status: 401 };

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

const renewRequest = z.object({ token: z.string().min(1).max(4096) }).strict();

/**
 * The agents' live channel. The JWT is checked in the handshake; every socket joins its agent's room.
 * A socket follows its session: it is disconnected when its token expires (unless renewed with `session:renew`), when
 * the session ends (logout, password reset, deactivation, refresh-token reuse: PostgreSQL tells every API process at
 * commit), and every event checks the token and the session again; a role change moves it in or out of the
 * supervisors' rooms.
 * Presence follows the agent, not one socket: only when the last tab or device of an agent disconnects (on any
 * API process) does the grace period start, and a reconnection anywhere ends it.
 */
@WebSocketGateway({ namespace: DESK_NAMESPACE })
// Global interceptors do not reach gateways: each socket event gets its correlation id here.
@UseInterceptors(CorrelationInterceptor)
export class DeskGateway implements OnModuleInit, OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeskGateway.name);
  /** Sockets closed by our own shutdown are not agents leaving: no presence change, no cross-process query. */
  private shuttingDown = false;
  /** Disconnections still being recorded (presence mark, cross-process check, grace job). */
  private readonly leaving = new Set<Promise<void>>();
  private sweep: NodeJS.Timeout | null = null;
  private readonly sessions = new WeakMap<DeskSocket, SocketSession>();

  @WebSocketServer()
  server: Namespace<DeskClientToServerEvents, DeskServerToClientEvents>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly auth: AuthService,
    private readonly agents: AgentsService,
    private readonly conversations: ConversationsService,
    private readonly jobs: JobProducer,
    private readonly replyToCitizen: ReplyToCitizenUseCase,
    private readonly sessionChanges: SessionChangesListener,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.sessionChanges.subscribe(
      (agentId) => void this.recheckSockets((socket) => socket.data.principal?.agentId === agentId),
      () => void this.recheckSockets(() => true),
    );
    this.sweep = setInterval(() => void this.recheckSockets(() => true), SESSION_SWEEP_MS);
    this.sweep.unref();
  }

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
          this.sessions.set(socket as DeskSocket, { token: token as string });
          next();
        })
        .catch((error: unknown) => {
          // The session could not be checked (PostgreSQL slow or away): not a refusal of the token, so the desk
          // keeps its session and tries again.
          this.logger.warn({ err: error }, 'desk handshake: the session could not be checked');
          next(new Error('unavailable'));
        });
    });
  }

  async handleConnection(socket: DeskSocket): Promise<void> {
    const principal = socket.data.principal;
    if (!principal) {
      socket.disconnect(true);
      return;
    }
    this.armExpiry(socket);
    await socket.join(agentRoom(principal.agentId));
    if (principal.role !== 'agent') await socket.join(SUPERVISORS_ROOM);
    await this.agents.markConnected(principal.agentId);
    this.logger.debug({ agentId: principal.agentId }, 'desk connected');
  }

  handleDisconnect(socket: DeskSocket): Promise<void> {
    const session = this.sessions.get(socket);
    if (session?.expiry) clearTimeout(session.expiry);
    this.sessions.delete(socket);
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
    if (this.sweep) clearInterval(this.sweep);
    await Promise.allSettled([...this.leaving]);
  }

  /** The socket is disconnected when its token expires; a renewal re-arms it. */
  private armExpiry(socket: DeskSocket): void {
    const session = this.sessions.get(socket);
    if (!session) return;
    if (session.expiry) clearTimeout(session.expiry);
    const expiresAt = tokenExpiry(session.token) ?? Date.now();
    session.expiry = setTimeout(() => socket.disconnect(true), Math.max(0, expiresAt - Date.now()));
    session.expiry.unref();
  }

  /**
   * The token and session of the socket, checked again (expiry, logout, revocation, deactivation, current role). A
   * socket whose session ended is disconnected; otherwise its rooms follow its current role.
   */
  /**
   * The session check of every event, answered as an acknowledgement: 401 when the session ended, and a fault while
   * checking (PostgreSQL unreachable) answered and logged like any other fault of the event, never left unanswered.
   */
  private async sessionRefusal(socket: DeskSocket): Promise<AckFailure | null> {
    const checked = await acknowledge(() => this.authorize(socket));
    if (!checked.ok) return checked;
    return checked.data ? null : SESSION_ENDED;
  }

  private async authorize(socket: DeskSocket): Promise<AgentPrincipal | null> {
    const principal = await this.auth.verifyAccessToken(this.sessions.get(socket)?.token);
    if (!principal || principal.agentId !== socket.data.principal?.agentId) {
      this.endSocket(socket);
      return null;
    }
    socket.data.principal = principal;
    if (principal.role === 'agent') {
      // Demoted: no more supervisors' broadcasts.
      if (socket.rooms.has(SUPERVISORS_ROOM)) await socket.leave(SUPERVISORS_ROOM);
      if (socket.rooms.has(QUEUE_WATCH_ROOM)) await socket.leave(QUEUE_WATCH_ROOM);
    } else if (!socket.rooms.has(SUPERVISORS_ROOM)) {
      await socket.join(SUPERVISORS_ROOM);
    }
    return principal;
  }

  /**
   * A socket whose session ended leaves every room at once (it receives nothing more) and is disconnected just
   * after, so that the acknowledgement of the event that found out (401) still reaches the client.
   */
  private endSocket(socket: DeskSocket): void {
    for (const room of [...socket.rooms]) if (room !== socket.id) void socket.leave(room);
    setTimeout(() => socket.disconnect(true), 20).unref();
  }

  /** Checks again the sockets of this process that match (one agent's after a session change, or all). */
  private async recheckSockets(matches: (socket: DeskSocket) => boolean): Promise<void> {
    if (!this.server || this.shuttingDown) return;
    const sockets = [...(this.server.sockets as Map<string, DeskSocket>).values()].filter((socket) => this.sessions.has(socket) && matches(socket));
    for (const socket of sockets) {
      try {
        await this.authorize(socket);
      } catch (error) {
        // PostgreSQL unreachable: the next change, sweep or event checks again; the expiry timer still runs.
        this.logger.warn({ err: error, agentId: socket.data.principal?.agentId }, 'desk session not checked');
      }
    }
  }

  @SubscribeMessage('session:renew')
  async renew(@ConnectedSocket() socket: DeskSocket, @MessageBody() body: unknown) {
    const request = parsePayload(renewRequest, body);
    if (!request.ok) return request;
    return acknowledge(async () => {
      const principal = await this.auth.verifyAccessToken(request.value.token);
      // Another agent's token, or an ended session: refused; the socket keeps the token it had (and its expiry).
      if (!principal || principal.agentId !== socket.data.principal.agentId) {
        throw new UnauthorizedException('Session terminée : reconnectez-vous');
      }
      this.sessions.set(socket, { ...this.sessions.get(socket), token: request.value.token });
      this.armExpiry(socket);
      await this.authorize(socket);
      return { expiresAt: new Date(tokenExpiry(request.value.token) ?? Date.now()).toISOString() };
    });
  }

  @SubscribeMessage('presence:set')
  async setPresence(@ConnectedSocket() socket: DeskSocket, @MessageBody() body: unknown) {
    const refused = await this.sessionRefusal(socket);
    if (refused) return refused;
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
    const refused = await this.sessionRefusal(socket);
    if (refused) return refused;
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
    const refused = await this.sessionRefusal(socket);
    if (refused) return refused;
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
    const refused = await this.sessionRefusal(socket);
    if (refused) return refused;
    const request = parsePayload(watchRequest, body);
    if (!request.ok) return request;
    return acknowledge(async () => {
      if (!request.value.watch) {
        await socket.leave(QUEUE_WATCH_ROOM);
        return { watching: false };
      }
      // The role was just read again from the database (authorize).
      const { role } = socket.data.principal;
      if (role !== 'supervisor' && role !== 'admin') throw new ForbiddenException('Réservé aux superviseurs');
      await socket.join(QUEUE_WATCH_ROOM);
      await this.queueStatus.watcherJoined();
      return { watching: true };
    });
  }
}

import { BadRequestException, Inject, Logger, UnprocessableEntityException, UseInterceptors } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { z } from 'zod';
import { WebchatSessions } from '@brigade/channels';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { CITIZEN_LANGUAGES, CitizenLanguage, CitizenSessionService, ConversationsService, isCitizenLanguage } from '@brigade/conversations';
import { EmptyMessageError, IntakeService } from '@brigade/intake';
import { QueueStatusService } from '@brigade/routing';
import { SystemWordingService } from '@brigade/triage';
import {
  CitizenMessageView,
  CitizenStatus,
  WEBCHAT_NAMESPACE,
  WebchatClientToServerEvents,
  WebchatServerToClientEvents,
  SUPERVISORS_ROOM,
  agentRoom,
  citizenRoom,
} from '@brigade/realtime';
import { DeskGateway } from '../desk/desk.gateway';
import { acknowledge, parsePayload } from '../socket-ack';
import { isOriginAllowed } from './origin-policy';
import { RateLimiter } from './rate-limiter';
import { CorrelationInterceptor } from '../correlation.interceptor';

export interface CitizenSocketData {
  visitorId: string;
  /** The widget's language (handshake, then `session:language`): the platform's automatic messages are shown in it. */
  language?: CitizenLanguage;
}

/**
 * Per-connection limits. Kept beside the socket, not in socket.data: the Redis adapter serialises socket.data
 * for connection-state recovery, and a class instance with a clock function cannot be serialised.
 */
interface ConnectionLimits {
  messages: RateLimiter;
  /** Typing notices are cheap for the browser but each costs a lookup here: a few per second at most. */
  typing: RateLimiter;
}
type CitizenSocket = Socket<WebchatClientToServerEvents, WebchatServerToClientEvents, Record<string, never>, CitizenSocketData>;

const ackRequest = z.object({ ids: z.array(z.string().uuid()).max(200) }).strict();
const typingRequest = z.object({ typing: z.boolean() }).strict();
const leaveRequest = z.object({}).strict();
const rateRequest = z.object({ rating: z.number().int().min(1).max(5) }).strict();
const languageRequest = z.object({ language: z.enum(CITIZEN_LANGUAGES) }).strict();

/** The anonymous citizens' namespace: a resumable token instead of an account. */
@WebSocketGateway({ namespace: WEBCHAT_NAMESPACE })
// Global interceptors do not reach gateways: each socket event gets its correlation id here.
@UseInterceptors(CorrelationInterceptor)
export class WebchatGateway implements OnGatewayInit, OnGatewayConnection {
  private readonly logger = new Logger(WebchatGateway.name);
  private readonly sendRequest;
  private readonly limits = new WeakMap<CitizenSocket, ConnectionLimits>();

  @WebSocketServer()
  server: Namespace<WebchatClientToServerEvents, WebchatServerToClientEvents>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sessions: WebchatSessions,
    private readonly intake: IntakeService,
    private readonly conversations: ConversationsService,
    private readonly desk: DeskGateway,
    private readonly citizenSessions: CitizenSessionService,
    private readonly queueStatus: QueueStatusService,
    private readonly wording: SystemWordingService,
  ) {
    this.sendRequest = z
      .object({
        clientMessageId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
        text: z.string().trim().min(1).max(config.webchat.maxMessageLength),
        /** The widget's language: a new conversation is answered in it. */
        language: z.enum(CITIZEN_LANGUAGES).optional(),
      })
      .strict();
  }

  afterInit(namespace: Namespace): void {
    // Only the websites allowed to embed the widget may open a citizen socket (CORS alone does not cover WebSocket).
    namespace.use((socket, next) => {
      const { origin, host } = socket.handshake.headers;
      if (isOriginAllowed(origin, host, this.config.webchat.allowedOrigins)) return next();
      this.logger.warn({ origin }, 'web chat connection refused: origin not allowed');
      next(new Error('origin not allowed'));
    });
  }

  async handleConnection(socket: CitizenSocket): Promise<void> {
    const resumedVisitorId = this.sessions.verify(socket.handshake.auth?.token);
    const session = resumedVisitorId ? null : this.sessions.issue();
    const visitorId = resumedVisitorId ?? session!.visitorId;
    socket.data.visitorId = visitorId;
    const language: unknown = socket.handshake.auth?.language;
    if (isCitizenLanguage(language)) socket.data.language = language;
    await socket.join(citizenRoom(visitorId));
    if (session) {
      socket.emit('session', session);
      return;
    }
    try {
      // What the citizen may have missed while away; the widget skips the ids it already shows.
      socket.emit('history', { messages: await this.historyOf(socket.data) });
      const current = await this.citizenSessions.status(visitorId);
      if (current) socket.emit('status', await this.withQueueFigures(current.conversationId, current.status));
    } catch (error) {
      this.logger.warn({ err: error }, 'could not send web chat history');
    }
  }

  @SubscribeMessage('message:send')
  async send(@ConnectedSocket() socket: CitizenSocket, @MessageBody() body: unknown) {
    const request = parsePayload(this.sendRequest, body);
    if (!request.ok) return request;
    if (!this.limitsOf(socket).messages.take()) {
      return { ok: false, error: 'Trop de messages à la suite : patientez quelques secondes.', status: 429 } as const;
    }
    const { clientMessageId, text, language } = request.value;
    const channelMessageId = `${socket.data.visitorId}:${clientMessageId}`;
    return acknowledge(async () => {
      const receipt = await this.intake
        .accept(
          {
            channel: 'webchat',
            channelAccount: '',
            channelMessageId,
            sender: { externalId: socket.data.visitorId },
            text,
            attachments: [],
            sentAt: new Date().toISOString(),
            ...(language ? { language } : {}),
          },
          { refuseEmpty: true },
        )
        .catch((error: unknown) => {
          if (error instanceof EmptyMessageError) throw new BadRequestException(error.message);
          throw error;
        });
      if (receipt.quarantined) {
        throw new UnprocessableEntityException("Ce message n'a pas pu être enregistré : reformulez-le sans caractères spéciaux");
      }
      return { id: channelMessageId };
    });
  }

  @SubscribeMessage('message:ack')
  async acknowledgeDisplayed(@ConnectedSocket() socket: CitizenSocket, @MessageBody() body: unknown) {
    const request = parsePayload(ackRequest, body);
    if (!request.ok) return request;
    return acknowledge(async () => {
      const delivered = await this.conversations.markDeliveredToCitizen(socket.data.visitorId, request.value.ids);
      for (const message of delivered) {
        if (!message.authorAgentId) continue;
        this.desk.server.to(agentRoom(message.authorAgentId)).emit('message:status', {
          messageId: message.id,
          conversationId: message.conversationId,
          status: 'delivered',
          error: null,
        });
      }
      return { delivered: delivered.length };
    });
  }

  @SubscribeMessage('typing')
  async typing(@ConnectedSocket() socket: CitizenSocket, @MessageBody() body: unknown) {
    const request = parsePayload(typingRequest, body);
    if (!request.ok) return request;
    // A dropped "stopped typing" would leave the indicator on: only "started" notices are thinned out.
    if (request.value.typing && !this.limitsOf(socket).typing.take()) return { ok: true, data: { forwarded: false } } as const;
    return acknowledge(async () => {
      const target = await this.citizenSessions.typingTarget(socket.data.visitorId);
      if (target) {
        this.desk.server
          .to(agentRoom(target.assigneeId))
          .emit('conversation:typing', { conversationId: target.conversationId, typing: request.value.typing });
      }
      return { forwarded: !!target };
    });
  }

  /** Quick exit: the widget has already erased the device; flag the conversation and tell whoever holds it. */
  @SubscribeMessage('session:leave')
  async leave(@ConnectedSocket() socket: CitizenSocket, @MessageBody() body: unknown) {
    const request = parsePayload(leaveRequest, body ?? {});
    if (!request.ok) return request;
    return acknowledge(async () => {
      await this.leaveFor(socket.data.visitorId);
      return { left: true } as const;
    });
  }

  /**
   * Flags the visitor's conversation and tells the agent holding it (and supervisors). The widget reports a quick
   * exit twice, over this socket and as an HTTP beacon that survives the page being replaced; only the first counts.
   */
  async leaveFor(visitorId: string): Promise<void> {
    const left = await this.citizenSessions.leave(visitorId);
    if (!left) return;
    const event = { conversationId: left.conversationId, leftAt: left.leftAt.toISOString() };
    const rooms = left.assigneeId ? [agentRoom(left.assigneeId), SUPERVISORS_ROOM] : [SUPERVISORS_ROOM];
    this.desk.server.to(rooms).emit('conversation:citizen-left', event);
  }

  /** The citizen switched the widget's language: what the platform still says to them follows. */
  @SubscribeMessage('session:language')
  async changeLanguage(@ConnectedSocket() socket: CitizenSocket, @MessageBody() body: unknown) {
    const request = parsePayload(languageRequest, body);
    if (!request.ok) return request;
    return acknowledge(async () => {
      const { language } = request.value;
      const applied = await this.citizenSessions.setLanguage(socket.data.visitorId, language);
      socket.data.language = language;
      // What the platform said earlier is shown again in the new language (before the answer, so the widget has it).
      const messages = await this.historyOf(socket.data);
      if (messages.some((message) => message.author === 'system')) socket.emit('history', { messages });
      return { language, applied };
    });
  }

  /**
   * The history this socket's citizen sees: the platform's automatic messages in the widget's language (they may have
   * switched since they were said); the stored messages stay as they were said, for the desk.
   */
  async historyOf({ visitorId, language }: CitizenSocketData): Promise<CitizenMessageView[]> {
    const messages = await this.citizenSessions.history(visitorId);
    return language ? this.wording.inLanguage(messages, language) : messages;
  }

  @SubscribeMessage('session:rate')
  async rate(@ConnectedSocket() socket: CitizenSocket, @MessageBody() body: unknown) {
    const request = parsePayload(rateRequest, body);
    if (!request.ok) return request;
    return acknowledge(async () => {
      const rated = await this.citizenSessions.rate(socket.data.visitorId, request.value.rating);
      // The gendarme who held the conversation (and supervisors) see the rating at once.
      const rooms = rated.assigneeId ? [agentRoom(rated.assigneeId), SUPERVISORS_ROOM] : [SUPERVISORS_ROOM];
      this.desk.server.to(rooms).emit('conversation:rated', { conversationId: rated.conversationId, rating: request.value.rating });
      return { rated: true } as const;
    });
  }

  /** A waiting citizen who comes back sees their place in the queue at once, not at its next change. */
  private async withQueueFigures(conversationId: string, status: CitizenStatus): Promise<CitizenStatus> {
    if (status.state !== 'waiting') return status;
    const [figures] = await this.queueStatus.citizenStatuses([conversationId]);
    if (!figures) return status;
    return {
      ...status,
      queuePosition: figures.queuePosition,
      ...(figures.estimatedWaitSeconds !== undefined ? { estimatedWaitSeconds: figures.estimatedWaitSeconds } : {}),
    };
  }

  /** Created on first use, so that a socket restored by connection-state recovery gets fresh limits too. */
  private limitsOf(socket: CitizenSocket): ConnectionLimits {
    let limits = this.limits.get(socket);
    if (!limits) {
      limits = { messages: new RateLimiter(10, 10_000), typing: new RateLimiter(5, 5_000) };
      this.limits.set(socket, limits);
    }
    return limits;
  }
}

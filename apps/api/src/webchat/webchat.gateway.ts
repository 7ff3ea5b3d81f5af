import { Inject, Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { z } from 'zod';
import { WebchatSessions } from '@brigade/channels';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { ConversationsService } from '@brigade/conversations';
import { IntakeService } from '@brigade/intake';
import {
  WEBCHAT_NAMESPACE,
  WebchatClientToServerEvents,
  WebchatServerToClientEvents,
  agentRoom,
  citizenRoom,
} from '@brigade/realtime';
import { DeskGateway } from '../desk/desk.gateway';
import { acknowledge, parsePayload } from '../socket-ack';
import { RateLimiter } from './rate-limiter';

interface CitizenSocketData {
  visitorId: string;
  limiter: RateLimiter;
}
type CitizenSocket = Socket<WebchatClientToServerEvents, WebchatServerToClientEvents, Record<string, never>, CitizenSocketData>;

const ackRequest = z.object({ ids: z.array(z.string().uuid()).max(200) }).strict();

/** The anonymous citizens' namespace: a resumable token instead of an account. */
@WebSocketGateway({ namespace: WEBCHAT_NAMESPACE })
export class WebchatGateway implements OnGatewayConnection {
  private readonly logger = new Logger(WebchatGateway.name);
  private readonly sendRequest;

  @WebSocketServer()
  server: Namespace<WebchatClientToServerEvents, WebchatServerToClientEvents>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sessions: WebchatSessions,
    private readonly intake: IntakeService,
    private readonly conversations: ConversationsService,
    private readonly desk: DeskGateway,
  ) {
    this.sendRequest = z
      .object({
        clientMessageId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
        text: z.string().trim().min(1).max(config.webchat.maxMessageLength),
      })
      .strict();
  }

  async handleConnection(socket: CitizenSocket): Promise<void> {
    const resumedVisitorId = this.sessions.verify(socket.handshake.auth?.token);
    const session = resumedVisitorId ? null : this.sessions.issue();
    const visitorId = resumedVisitorId ?? session!.visitorId;
    socket.data.visitorId = visitorId;
    socket.data.limiter = new RateLimiter(10, 10_000);
    await socket.join(citizenRoom(visitorId));
    if (session) {
      socket.emit('session', session);
      return;
    }
    try {
      // What the citizen may have missed while away; the widget skips the ids it already shows.
      socket.emit('history', { messages: await this.conversations.citizenHistory('webchat', visitorId) });
    } catch (error) {
      this.logger.warn({ err: error }, 'could not send web chat history');
    }
  }

  @SubscribeMessage('message:send')
  async send(@ConnectedSocket() socket: CitizenSocket, @MessageBody() body: unknown) {
    const request = parsePayload(this.sendRequest, body);
    if (!request.ok) return request;
    if (!socket.data.limiter.take()) {
      return { ok: false, error: 'Trop de messages à la suite : patientez quelques secondes.', status: 429 } as const;
    }
    const { clientMessageId, text } = request.value;
    const channelMessageId = `${socket.data.visitorId}:${clientMessageId}`;
    return acknowledge(async () => {
      await this.intake.accept({
        channel: 'webchat',
        channelAccount: '',
        channelMessageId,
        sender: { externalId: socket.data.visitorId },
        text,
        attachments: [],
        sentAt: new Date().toISOString(),
      });
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
}

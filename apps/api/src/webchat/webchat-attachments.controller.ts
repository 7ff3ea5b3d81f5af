import {
  Controller,
  ForbiddenException,
  Headers,
  HttpCode,
  HttpException,
  HttpStatus,
  Inject,
  Ip,
  Post,
  Req,
  UnauthorizedException,
  UnprocessableEntityException,
} from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { AttachmentsService } from '@brigade/attachments';
import { WebchatSessions } from '@brigade/channels';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { CITIZEN_LANGUAGES, type MessageAttachment } from '@brigade/conversations';
import { InvalidInputError } from '@brigade/errors';
import { IntakeService } from '@brigade/intake';
import { Public } from '../auth/auth.decorators';
import { readMultipartFiles } from './multipart-files';
import { isOriginAllowed } from './origin-policy';
import { RateLimiter } from './rate-limiter';

/**
 * Uploads per client address and minute, per API process: decoding and re-encoding images costs CPU, and a script could
 * open as many citizen sessions as it likes, so the address is the key (generous: citizens behind one carrier NAT).
 */
const UPLOADS_PER_MINUTE = 30;
const REMEMBERED_ADDRESSES = 10_000;

/** What the web chat answers an accepted message with files: its id, as `message:send` does, and the files kept. */
export interface WebchatAttachmentsAnswer {
  id: string;
  attachments: MessageAttachment[];
}

/**
 * A citizen's message with photos or documents. Sockets carry text; files come here, in one multipart request per
 * message, with the same credential as the socket (the citizen's resumable token, in the `X-Webchat-Token` header)
 * and the same exactly-once key (the widget's clientMessageId): a retried upload stores nothing twice.
 */
@Controller('api/webchat')
export class WebchatAttachmentsController {
  private readonly fieldsSchema;
  private readonly limits = new Map<string, RateLimiter>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sessions: WebchatSessions,
    private readonly attachments: AttachmentsService,
    private readonly intake: IntakeService,
  ) {
    this.fieldsSchema = z.object({
      clientMessageId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
      text: z.string().max(config.webchat.maxMessageLength).default(''),
      language: z.enum(CITIZEN_LANGUAGES).optional(),
    });
  }

  @Public()
  @Post('attachments')
  @HttpCode(201)
  async upload(
    @Req() request: IncomingMessage,
    @Headers('x-webchat-token') token?: string,
    @Headers('origin') origin?: string,
    @Headers('host') host?: string,
    @Ip() address?: string,
  ): Promise<WebchatAttachmentsAnswer> {
    if (!isOriginAllowed(origin, host, this.config.webchat.allowedOrigins)) throw new ForbiddenException('origin not allowed');
    const visitorId = this.sessions.verify(token);
    if (!visitorId) throw new UnauthorizedException('Session de discussion expirée : rechargez la page');
    if (!this.limiterOf(address ?? '').take()) {
      throw new HttpException('Trop d’envois à la suite : patientez une minute.', HttpStatus.TOO_MANY_REQUESTS);
    }
    const upload = await readMultipartFiles(request, {
      maxBytes: this.config.attachments.maxBytes,
      maxFiles: this.config.attachments.maxPerMessage,
    });
    const fields = this.fieldsSchema.safeParse(upload.fields);
    if (!fields.success) throw new InvalidInputError('Envoi incomplet : identifiant du message manquant ou texte trop long');
    if (upload.files.length === 0) throw new InvalidInputError('Aucun fichier dans cet envoi');
    const { clientMessageId, text, language } = fields.data;
    const channelMessageId = `${visitorId}:${clientMessageId}`;
    const attachments = await this.attachments.storeMessageFiles('webchat', channelMessageId, upload.files);
    const receipt = await this.intake.accept({
      channel: 'webchat',
      channelAccount: '',
      channelMessageId,
      sender: { externalId: visitorId },
      text: text.trim(),
      attachments,
      sentAt: new Date().toISOString(),
      ...(language ? { language } : {}),
    });
    if (receipt.quarantined) {
      throw new UnprocessableEntityException("Ce message n'a pas pu être enregistré : reformulez-le sans caractères spéciaux");
    }
    return { id: channelMessageId, attachments };
  }

  private limiterOf(address: string): RateLimiter {
    let limiter = this.limits.get(address);
    if (!limiter) {
      if (this.limits.size >= REMEMBERED_ADDRESSES) this.limits.clear();
      limiter = new RateLimiter(UPLOADS_PER_MINUTE, 60_000);
      this.limits.set(address, limiter);
    }
    return limiter;
  }
}

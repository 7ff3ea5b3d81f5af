import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { citizenLanguageOf } from '@brigade/conversations';
import { MailDeliveryError, MailerService } from '@brigade/mail';
import { ChannelAdapter, ChannelLimits, DeliveryReceipt, OutboundDelivery, PermanentDeliveryError, TransientDeliveryError } from '../channel-adapter';
import { composeAnswerMail } from './answer-mail';
import { EMAIL_TEXTS } from './email-texts';
import { EmailTokens } from './email-tokens';

/** Message-IDs kept in References: enough to thread, short enough for any mail client. */
const REFERENCES_KEPT = 20;

/**
 * Sends a gendarme's answer (or an automatic message) as a mail: HTML and text parts, the deployer's sender identity,
 * a Message-ID derived from our message id (the same on every retry), In-Reply-To / References naming the earlier
 * mails of the conversation, a Reply-To address carrying the conversation's signed reply token, and the same address
 * as envelope sender so that bounces come back to the inbound listener.
 */
@Injectable()
export class EmailAdapter implements ChannelAdapter {
  readonly channel = 'email' as const;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly mailer: MailerService,
    private readonly tokens: EmailTokens,
  ) {}

  limits(): ChannelLimits {
    return { maxTextLength: 20_000, standardReplyWindowHours: null, hardReplyWindowHours: null, supportsTyping: false };
  }

  /** Our Message-ID of a stored outbound message. */
  messageIdOf(messageId: string): string {
    return `<${messageId}@${this.mailer.senderDomain}>`;
  }

  async send(delivery: OutboundDelivery): Promise<DeliveryReceipt> {
    const [conversation] = (await this.dataSource.query(
      `SELECT c.language,
              ARRAY(SELECT m.channel_message_id FROM messages m
                     WHERE m.conversation_id = c.id AND m.channel = 'email' AND m.id <> $2
                       AND m.channel_message_id LIKE '<%>' AND m.delivery_status <> 'failed'
                     ORDER BY m.created_at DESC LIMIT ${REFERENCES_KEPT}) AS references
         FROM conversations c WHERE c.id = $1`,
      [delivery.conversationId, delivery.messageId],
    )) as { language: string; references: string[] }[];
    const texts = EMAIL_TEXTS[citizenLanguageOf(conversation?.language ?? null)];
    const references = [...(conversation?.references ?? [])].reverse();
    const replyAddress = `reply+${this.tokens.replyToken(delivery.conversationId)}@${this.config.mail.inbound.domain}`;
    const continueUrl = `${this.config.mail.publicBaseUrl}/contact/?suite=${encodeURIComponent(this.tokens.continueToken(delivery.conversationId))}`;
    const body = composeAnswerMail({
      texts,
      authorName: delivery.authorName,
      text: delivery.text,
      continueUrl,
      continueTtlHours: this.config.mail.continueLinkTtlHours,
    });
    const messageId = this.messageIdOf(delivery.messageId);
    try {
      await this.mailer.send({
        to: delivery.recipient.externalId,
        subject: texts.subject,
        text: body.text,
        html: body.html,
        messageId,
        inReplyTo: references.at(-1),
        references: references.length > 0 ? references : undefined,
        replyTo: replyAddress,
        envelope: { from: replyAddress, to: delivery.recipient.externalId },
      });
    } catch (error) {
      if (error instanceof MailDeliveryError && error.permanent) throw new PermanentDeliveryError(error.message, error.message);
      throw new TransientDeliveryError((error as Error).message);
    }
    return { providerMessageId: messageId };
  }
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { IntakeService } from '@brigade/intake';
import { RealtimePublisher } from '@brigade/realtime';
import { replyTokenOf } from './email-address';
import { EmailTokens } from './email-tokens';
import { readInboundMail } from './inbound-mail';

/** What becomes of one inbound mail; a refusal carries the SMTP answer the sending server gets. */
export type InboundMailOutcome =
  | { status: 'accepted'; conversationId: string; duplicate: boolean }
  | { status: 'bounce'; failedMessages: number }
  | { status: 'refused'; code: number; message: string };

/** Refusals, worded for the sending server's log and the bounce the citizen may receive; they never name a conversation. */
const REFUSED = {
  tooLarge: (max: number) => ({ status: 'refused' as const, code: 552, message: `5.3.4 Message trop volumineux (maximum ${max} octets)` }),
  malformed: { status: 'refused' as const, code: 550, message: '5.6.0 Message mal formé : il ne peut pas être lu' },
  noThread: {
    status: 'refused' as const,
    code: 550,
    message: '5.1.1 Ce message ne répond à aucune conversation en cours : utilisez le formulaire de contact',
  },
  notAccepted: { status: 'refused' as const, code: 550, message: '5.7.1 Message refusé' },
  empty: { status: 'refused' as const, code: 550, message: '5.6.0 Message vide : écrivez votre réponse au-dessus du texte cité' },
};

/**
 * A mail arriving for the e-mail channel (from the SMTP listener): a citizen's reply, threaded to its conversation by
 * the reply token of the address it was sent to, else by In-Reply-To / References against the Message-IDs we stored,
 * and accepted only from the conversation's own address; or a delivery status notification marking our mail failed.
 * Nothing is stored from a refused mail.
 */
@Injectable()
export class EmailInboundService {
  private readonly logger = new Logger(EmailInboundService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tokens: EmailTokens,
    private readonly intake: IntakeService,
    private readonly realtime: RealtimePublisher,
  ) {}

  async receive(raw: Buffer, envelope: { to: string[] }): Promise<InboundMailOutcome> {
    const { maxBytes, domain } = this.config.mail.inbound;
    if (raw.length > maxBytes) return REFUSED.tooLarge(maxBytes);
    const { simpleParser } = await import('mailparser');
    let reading: ReturnType<typeof readInboundMail>;
    try {
      reading = readInboundMail(await simpleParser(raw, { skipImageLinks: true, skipTextLinks: true, skipHtmlToText: true }));
    } catch (error) {
      this.logger.warn({ err: error }, 'inbound mail not parsed: refused');
      return REFUSED.malformed;
    }
    if (reading.kind === 'malformed') {
      this.logger.warn({ reason: reading.reason }, 'malformed inbound mail refused');
      return REFUSED.malformed;
    }
    const token = replyTokenOf(envelope.to, domain) ?? (reading.kind === 'message' ? replyTokenOf(reading.recipients, domain) : null);
    const tokenConversation = token ? this.tokens.verifyReplyToken(token) : null;
    if (token && !tokenConversation) {
      this.logger.warn({ reason: 'bad-reply-token' }, 'inbound mail to an unknown reply address refused');
      return REFUSED.notAccepted;
    }
    if (reading.kind === 'bounce') return this.applyBounce(reading, tokenConversation);

    const conversationId = tokenConversation ?? (await this.conversationAnswered(reading.answers));
    if (!conversationId) {
      this.logger.warn({ reason: 'no-thread' }, 'inbound mail answering no conversation refused');
      return REFUSED.noThread;
    }
    const [owner] = (await this.dataSource.query(
      `SELECT i.channel, i.external_id, c.language FROM conversations c JOIN channel_identities i ON i.id = c.identity_id
        WHERE c.id = $1`,
      [conversationId],
    )) as { channel: string; external_id: string; language: string }[];
    if (!owner || owner.channel !== 'email' || owner.external_id !== reading.from) {
      // A forged In-Reply-To, a reply token passed to someone else, a conversation erased since: nothing is attached,
      // and the answer says nothing of the conversation. Logged with ids only (no address, no text).
      this.logger.warn(
        { reason: owner ? 'sender-is-not-the-conversation-contact' : 'conversation-gone', conversationId, threadedBy: tokenConversation ? 'reply-token' : 'in-reply-to' },
        'inbound mail refused: the sender does not own the conversation it answers',
      );
      return REFUSED.notAccepted;
    }
    if (!reading.text) return REFUSED.empty;
    const channelMessageId = reading.messageId ?? `sha256:${createHash('sha256').update(raw).digest('hex')}`;
    const receipt = await this.intake.accept({
      channel: 'email',
      channelAccount: '',
      channelMessageId,
      sender: { externalId: reading.from, address: { email: reading.from } },
      text: reading.text,
      attachments: [],
      sentAt: (reading.sentAt ?? new Date()).toISOString(),
      language: owner.language,
    });
    return { status: 'accepted', conversationId, duplicate: receipt.duplicate };
  }

  /** The conversation of the newest stored mail this one answers. */
  private async conversationAnswered(messageIds: string[]): Promise<string | null> {
    if (messageIds.length === 0) return null;
    const [row] = (await this.dataSource.query(
      `SELECT conversation_id FROM messages WHERE channel = 'email' AND channel_message_id = ANY($1::text[])
        ORDER BY created_at DESC LIMIT 1`,
      [messageIds.slice(0, 50)],
    )) as { conversation_id: string }[];
    return row?.conversation_id ?? null;
  }

  /**
   * A bounce counts only when it comes back to the reply address of the conversation the failed mail belongs to:
   * a forged notification cannot mark the messages of another conversation failed.
   */
  private async applyBounce(
    bounce: { originalMessageIds: string[]; failed: boolean; diagnostic: string },
    conversationId: string | null,
  ): Promise<InboundMailOutcome> {
    if (!bounce.failed || !conversationId || bounce.originalMessageIds.length === 0) {
      this.logger.warn({ failed: bounce.failed, threaded: conversationId !== null }, 'delivery notification ignored');
      return { status: 'bounce', failedMessages: 0 };
    }
    const [rows] = (await this.dataSource.query(
      `UPDATE messages SET delivery_status = 'failed', delivery_error = $3
        WHERE channel = 'email' AND direction = 'outbound' AND conversation_id = $1 AND channel_message_id = ANY($2::text[])
          AND delivery_status IN ('queued', 'sent', 'delivered')
        RETURNING id, conversation_id, author_agent_id`,
      [conversationId, bounce.originalMessageIds, `Courriel non distribué : ${bounce.diagnostic}`],
    )) as [{ id: string; conversation_id: string; author_agent_id: string | null }[], number];
    for (const row of rows) {
      this.logger.warn({ messageId: row.id, conversationId: row.conversation_id }, 'answer mail bounced: marked failed');
      if (!row.author_agent_id) continue;
      await this.realtime.toAgent(row.author_agent_id, 'message:status', {
        messageId: row.id,
        conversationId: row.conversation_id,
        status: 'failed',
        error: `Courriel non distribué : ${bounce.diagnostic}`,
      });
    }
    return { status: 'bounce', failedMessages: rows.length };
  }
}

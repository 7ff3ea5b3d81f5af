import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import type { Transporter } from 'nodemailer';
import { APP_CONFIG, AppConfig } from '@brigade/config';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Our own Message-ID ("<id@domain>"): replies name it in In-Reply-To. */
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  replyTo?: string;
  /** SMTP envelope, when it differs from the headers (a bounce address of our own). */
  envelope?: { from: string; to: string };
  headers?: Record<string, string>;
  attachments?: { filename: string; content: Buffer; contentType: string }[];
}

/** Why a mail could not be handed to the SMTP server; permanent when retrying cannot help (5xx, no SMTP set up). */
export class MailDeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'MailDeliveryError';
  }
}

/** Hands mail to the deployer's SMTP server (nodemailer), with the TLS settings of the configuration. */
@Injectable()
export class MailerService implements OnModuleDestroy {
  private transport: Transporter | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get enabled(): boolean {
    return this.config.mail.smtp.host !== '';
  }

  /** The domain of the sender address, for our Message-IDs. */
  get senderDomain(): string {
    const match = /@([^>\s]+)>?\s*$/.exec(this.config.mail.from);
    return match?.[1] ?? 'localhost';
  }

  async send(mail: OutgoingMail): Promise<{ messageId: string; response: string }> {
    if (!this.enabled) throw new MailDeliveryError('Aucun serveur SMTP configuré (SMTP_HOST)', true);
    try {
      const transport = await this.getTransport();
      const info = await transport.sendMail({
        from: this.config.mail.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
        inReplyTo: mail.inReplyTo,
        references: mail.references,
        replyTo: mail.replyTo,
        envelope: mail.envelope,
        headers: mail.headers,
        attachments: mail.attachments,
      });
      const rejected = info.rejected ?? [];
      if (rejected.length > 0) {
        throw new MailDeliveryError(`Adresse refusée par le serveur SMTP : ${rejected.join(', ')}`, true);
      }
      return { messageId: info.messageId, response: info.response ?? '' };
    } catch (error) {
      if (error instanceof MailDeliveryError) throw error;
      const smtpCode = (error as { responseCode?: number }).responseCode;
      const permanent = typeof smtpCode === 'number' && smtpCode >= 500 && smtpCode < 600;
      throw new MailDeliveryError(`SMTP : ${(error as Error).message}`.slice(0, 500), permanent);
    }
  }

  onModuleDestroy(): void {
    this.transport?.close();
  }

  /** nodemailer is loaded on the first mail: processes that never send one boot without it. */
  private async getTransport(): Promise<Transporter> {
    if (this.transport) return this.transport;
    const { createTransport } = await import('nodemailer');
    const smtp = this.config.mail.smtp;
    this.transport ??= createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      requireTLS: smtp.requireTls,
      tls: { rejectUnauthorized: smtp.tlsRejectUnauthorized },
      auth: smtp.user ? { user: smtp.user, pass: smtp.password } : undefined,
      connectionTimeout: smtp.timeoutMs,
      greetingTimeout: smtp.timeoutMs,
      socketTimeout: smtp.timeoutMs,
    });
    return this.transport;
  }
}

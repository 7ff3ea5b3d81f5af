import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { SMTPServer } from 'smtp-server';
import { EmailInboundService } from '@brigade/channels';
import { APP_CONFIG, AppConfig } from '@brigade/config';

type SmtpError = Error & { responseCode: number };

const smtpError = (code: number, message: string): SmtpError => Object.assign(new Error(message), { responseCode: code });

/**
 * The platform's own SMTP listener for the e-mail channel (INBOUND_SMTP_PORT; off by default): the site's MX, or a
 * relay rule of its mail server, hands it mail for reply+<token>@INBOUND_MAIL_DOMAIN. It accepts only recipients of
 * that domain, announces the size limit (SIZE) and refuses at DATA what the channel refuses, with the SMTP code the
 * sending server reports; a failure to store answers 451 (the sender retries). Glue only: EmailInboundService decides.
 */
@Injectable()
export class InboundSmtpListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InboundSmtpListener.name);
  private server: SMTPServer | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly inbound: EmailInboundService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { smtpPort, smtpHost, domain, maxBytes } = this.config.mail.inbound;
    if (smtpPort === 0) return;
    const { SMTPServer } = await import('smtp-server');
    const server = new SMTPServer({
      name: domain,
      banner: 'Brigade numérique',
      authOptional: true,
      // Mail from the MX or the site's relay, on a private network: TLS, when wanted, ends at that server.
      disabledCommands: ['AUTH', 'STARTTLS'],
      size: maxBytes,
      logger: false,
      // A sender still connected at shutdown is cut after this long (its mail not acknowledged: it retries).
      closeTimeout: 5_000,
      onRcptTo: (address, _session, callback) => {
        const recipientDomain = address.address.split('@').pop()?.toLowerCase();
        if (recipientDomain !== domain) return callback(smtpError(550, '5.1.2 Domaine non servi ici'));
        callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('data', (chunk: Buffer) => {
          size += chunk.length;
          // Past the limit nothing more is kept; the stream is read to its end so that the answer can be given.
          if (size <= maxBytes) chunks.push(chunk);
        });
        stream.on('end', () => {
          const tooLarge = (stream as unknown as { sizeExceeded?: boolean }).sizeExceeded || size > maxBytes;
          if (tooLarge) return callback(smtpError(552, `5.3.4 Message trop volumineux (maximum ${maxBytes} octets)`));
          const recipients = session.envelope.rcptTo.map((recipient) => recipient.address);
          this.inbound
            .receive(Buffer.concat(chunks), { to: recipients })
            .then((outcome) => {
              if (outcome.status === 'refused') return callback(smtpError(outcome.code, outcome.message));
              callback(null, outcome.status === 'bounce' ? '2.0.0 Avis de non-distribution reçu' : '2.0.0 Message reçu');
            })
            .catch((error: unknown) => {
              this.logger.error({ err: error }, 'inbound mail not stored: the sender will retry');
              callback(smtpError(451, '4.3.0 Erreur temporaire, réessayez plus tard'));
            });
        });
      },
    });
    server.on('error', (error) => this.logger.error({ err: error }, 'inbound SMTP listener error'));
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(smtpPort, smtpHost, () => {
        server.server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.logger.log({ port: this.port, host: smtpHost, domain }, 'inbound SMTP listener ready');
  }

  /** The port it listens on (the one asked for, or the one the system chose for 0 in tests). */
  get port(): number | null {
    const address = this.server?.server.address();
    return address && typeof address === 'object' ? address.port : null;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

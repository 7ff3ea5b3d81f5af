import { ParsedMail, simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One mail the loopback SMTP server accepted, parsed back (mailparser). */
export interface ReceivedMail {
  envelopeFrom: string;
  envelopeTo: string[];
  parsed: ParsedMail;
  raw: Buffer;
}

/**
 * A real SMTP server on 127.0.0.1 and a random port (smtp-server): it accepts mail without TLS or authentication,
 * parses what it receives, answers planned refusals first, and lets a test wait for mail to arrive.
 */
export class LoopbackSmtpServer {
  readonly received: ReceivedMail[] = [];
  private readonly refusals: { code: number; message: string }[] = [];
  private waiters: (() => void)[] = [];
  private server: SMTPServer | null = null;

  static async start(): Promise<LoopbackSmtpServer> {
    const fake = new LoopbackSmtpServer();
    await fake.listen();
    return fake;
  }

  get port(): number {
    const address = (this.server as unknown as { server: { address(): AddressInfo } } | null)?.server.address();
    if (!address) throw new Error('SMTP server not started');
    return address.port;
  }

  /** The next mail gets this SMTP answer instead of being accepted (4xx: try again later, 5xx: refused for good). */
  refuseNext(code: number, message = 'planned refusal', times = 1): void {
    for (let i = 0; i < times; i++) this.refusals.push({ code, message });
  }

  async waitFor(predicate: (mail: ReceivedMail) => boolean = () => true, count = 1, timeoutMs = 10_000): Promise<ReceivedMail[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.filter(predicate);
      if (found.length >= count) return found;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`SMTP: timed out waiting for ${count} mail(s); got ${found.length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  reset(): void {
    this.received.length = 0;
    this.refusals.length = 0;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async listen(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      size: 25 * 1024 * 1024,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const refusal = this.refusals.shift();
          if (refusal) {
            const error = new Error(refusal.message) as Error & { responseCode: number };
            error.responseCode = refusal.code;
            callback(error);
            return;
          }
          const raw = Buffer.concat(chunks);
          simpleParser(raw)
            .then((parsed) => {
              this.received.push({
                envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                envelopeTo: session.envelope.rcptTo.map((recipient) => recipient.address),
                parsed,
                raw,
              });
              const waiters = this.waiters;
              this.waiters = [];
              waiters.forEach((wake) => wake());
              callback();
            })
            .catch((error: Error) => callback(error));
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
  }
}

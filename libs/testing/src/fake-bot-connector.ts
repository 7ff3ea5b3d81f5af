import { KeyObject, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One Activity the platform posted to the connector. */
export interface RecordedBotActivity {
  conversationId: string;
  authorization: string | undefined;
  activity: Record<string, unknown> & { type?: string; text?: string };
}

interface PlannedFailure {
  status: number;
  retryAfterSeconds?: number;
}

export interface ConnectorTokenOptions {
  /** The bot's app id: the token's audience. */
  appId: string;
  /** The serviceUrl claim; the SDK requires it to equal the Activity's serviceUrl. */
  serviceUrl?: string;
  issuer?: string;
  /** 'trusted': the published key; 'unknown-key': a key id the metadata does not list; 'forged': the published key id, another key. */
  signWith?: 'trusted' | 'unknown-key' | 'forged';
  expiresInSeconds?: number;
}

const CHANNEL_ISSUER = 'https://api.botframework.com';

/**
 * A loopback stand-in for the Azure Bot Service connector, speaking its HTTP protocol so that the real
 * botframework-connector code runs against it:
 * - `POST /v3/conversations/:id/activities` records replies (or answers planned errors), like the connector's
 *   service at an Activity's serviceUrl;
 * - `GET /.well-known/openidconfiguration` and `GET /keys` publish an RSA signing key the way
 *   login.botframework.com does, and `issueToken` signs connector tokens with it.
 */
export class FakeBotConnector {
  readonly activities: RecordedBotActivity[] = [];
  /** Statuses of the planned failures already answered, in order. */
  readonly refused: number[] = [];
  readonly endorsements = ['webchat', 'msteams', 'directline', 'emulator'];
  private readonly failures: PlannedFailure[] = [];
  private readonly trustedKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
  private readonly otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
  private readonly keyId = `fake-${randomUUID()}`;
  private waiters: (() => void)[] = [];
  private sequence = 0;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeBotConnector> {
    const server = createServer();
    const fake = new FakeBotConnector(server);
    server.on('request', (request, response) => fake.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** The serviceUrl to put on inbound Activities (the connector's form: with a trailing slash). */
  get serviceUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  get openIdMetadataUrl(): string {
    return `${this.serviceUrl}.well-known/openidconfiguration`;
  }

  get tokenIssuer(): string {
    return CHANNEL_ISSUER;
  }

  /** The next replies are answered with these statuses, in order, before normal service resumes. */
  failNext(...failures: PlannedFailure[]): void {
    this.failures.push(...failures);
  }

  issueToken(options: ConnectorTokenOptions): string {
    const now = Math.floor(Date.now() / 1000);
    const signWith = options.signWith ?? 'trusted';
    const header = { alg: 'RS256', typ: 'JWT', kid: signWith === 'unknown-key' ? `unknown-${randomUUID()}` : this.keyId };
    const payload = {
      iss: options.issuer ?? CHANNEL_ISSUER,
      aud: options.appId,
      serviceurl: options.serviceUrl ?? this.serviceUrl,
      nbf: now - 60,
      iat: now - 60,
      exp: now + (options.expiresInSeconds ?? 3600),
    };
    const key: KeyObject = signWith === 'trusted' ? this.trustedKey.privateKey : this.otherKey.privateKey;
    const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
    return `${signingInput}.${sign('sha256', Buffer.from(signingInput), key).toString('base64url')}`;
  }

  async waitForActivity(
    predicate: (recorded: RecordedBotActivity) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<RecordedBotActivity> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.activities.find(predicate);
      if (found) return found;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`No matching activity reached the fake connector; got ${this.activities.length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', this.serviceUrl);
    if (request.method === 'GET' && url.pathname === '/.well-known/openidconfiguration') {
      return json(response, 200, {
        issuer: CHANNEL_ISSUER,
        jwks_uri: `${this.serviceUrl}keys`,
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
    if (request.method === 'GET' && url.pathname === '/keys') {
      const jwk = this.trustedKey.publicKey.export({ format: 'jwk' });
      return json(response, 200, { keys: [{ ...jwk, kid: this.keyId, use: 'sig', endorsements: this.endorsements }] });
    }
    const activityRoute = /^\/v3\/conversations\/([^/]+)\/activities\/?$/.exec(url.pathname);
    if (request.method === 'POST' && activityRoute) {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const failure = this.failures.shift();
        if (failure) {
          this.refused.push(failure.status);
          if (failure.retryAfterSeconds !== undefined) response.setHeader('retry-after', String(failure.retryAfterSeconds));
          return json(response, failure.status, { error: { code: 'Failure', message: `planned ${failure.status}` } });
        }
        this.activities.push({
          conversationId: decodeURIComponent(activityRoute[1]!),
          authorization: request.headers.authorization,
          activity: JSON.parse(Buffer.concat(chunks).toString('utf8')),
        });
        this.waiters.splice(0).forEach((wake) => wake());
        json(response, 200, { id: `reply-${++this.sequence}` });
      });
      return;
    }
    json(response, 404, { error: { code: 'NotFound', message: `${request.method} ${url.pathname}` } });
  }
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

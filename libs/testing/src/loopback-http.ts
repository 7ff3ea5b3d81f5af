import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A planned answer of a fake provider API: status, JSON body and headers. */
export interface PlannedAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** One request a fake received. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  body: unknown;
  /** The body as received, for signature checks. */
  raw: string;
  /** Date.now() when it arrived. */
  at: number;
}

/**
 * The plumbing shared by the loopback fakes of third-party APIs: a real HTTP server on 127.0.0.1 and a random port
 * that records every request, answers planned errors first, and lets a test wait for a request to arrive.
 */
export abstract class LoopbackFake {
  readonly requests: RecordedRequest[] = [];
  private readonly planned: { answer: PlannedAnswer; when: (request: RecordedRequest) => boolean }[] = [];
  private waiters: (() => void)[] = [];
  private server: Server | null = null;
  /** Files the provider hosts (Messenger's and X's attachment URLs), answered to GET with their bytes. */
  private readonly hostedFiles = new Map<string, { bytes: Buffer; contentType: string }>();

  protected async listen(): Promise<void> {
    const server = createServer((request, response) => void this.dispatch(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
  }

  get baseUrl(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('fake not started');
    return `http://127.0.0.1:${address.port}`;
  }

  /** The next matching request gets this answer instead of the normal one (planned answers are used in order). */
  answerNext(answer: PlannedAnswer, when: (request: RecordedRequest) => boolean = () => true): void {
    this.planned.push({ answer, when });
  }

  /** Waits until `count` requests matching the predicate have arrived, and returns them. */
  async waitFor(predicate: (request: RecordedRequest) => boolean, count = 1, timeoutMs = 10_000): Promise<RecordedRequest[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.requests.filter(predicate);
      if (found.length >= count) return found;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`fake: timed out waiting for ${count} request(s); got ${found.length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Serves these bytes at `path` (GET), as a provider's CDN serves a citizen's attachment; answers the full URL. */
  hostFile(path: string, bytes: Buffer, contentType: string): string {
    this.hostedFiles.set(path, { bytes, contentType });
    return `${this.baseUrl}${path}`;
  }

  reset(): void {
    this.requests.length = 0;
    this.planned.length = 0;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.server = null;
  }

  /** The provider's normal answer to a request. */
  protected abstract answer(request: RecordedRequest): PlannedAnswer;

  private async dispatch(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    let body: unknown = raw;
    try {
      body = raw ? JSON.parse(raw) : null;
    } catch {
      // Kept as text: a test may want to see what was sent.
    }
    const recorded: RecordedRequest = {
      method: request.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: request.headers,
      body,
      raw,
      at: Date.now(),
    };
    this.requests.push(recorded);
    const hosted = recorded.method === 'GET' ? this.hostedFiles.get(recorded.path) : undefined;
    if (hosted) {
      response.writeHead(200, { 'content-type': hosted.contentType, 'content-length': String(hosted.bytes.length) });
      response.end(hosted.bytes);
      this.wakeWaiters();
      return;
    }
    const index = this.planned.findIndex((plan) => plan.when(recorded));
    const answer = index >= 0 ? this.planned.splice(index, 1)[0].answer : this.answer(recorded);
    response.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.headers ?? {}) });
    response.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    this.wakeWaiters();
  }

  private wakeWaiters(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((wake) => wake());
  }
}

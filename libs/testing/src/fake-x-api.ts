import { LoopbackFake, PlannedAnswer, RecordedRequest } from './loopback-http';

const DM_PATH = /^\/2\/dm_conversations\/with\/([^/]+)\/messages$/;

/**
 * A loopback stand-in for the X API v2 direct-message endpoint `POST /2/dm_conversations/with/:id/messages`,
 * answering `{data: {dm_conversation_id, dm_event_id}}` with 201 as X does. Point twitter-api-v2 at `baseUrl + '/2/'`.
 */
export class FakeXApi extends LoopbackFake {
  private sequence = 0;

  static async start(): Promise<FakeXApi> {
    const fake = new FakeXApi();
    await fake.listen();
    return fake;
  }

  /** What twitter-api-v2 is pointed at (its v2 prefix). */
  get apiBaseUrl(): string {
    return `${this.baseUrl}/2/`;
  }

  dmSends(): (RecordedRequest & { participantId: string; body: { text?: string } })[] {
    return this.requests.filter(isDmSend).map((request) => ({
      ...request,
      participantId: DM_PATH.exec(request.path)?.[1] ?? '',
      body: request.body as { text?: string },
    }));
  }

  async waitForDmSends(count = 1, timeoutMs?: number): Promise<ReturnType<FakeXApi['dmSends']>> {
    await this.waitFor(isDmSend, count, timeoutMs);
    return this.dmSends();
  }

  /** The next DM send gets 429 with the x-rate-limit headers, resetting in `resetInSeconds`; returns the reset (epoch s). */
  rateLimitNextSend(resetInSeconds: number, forText?: string): number {
    const reset = Math.ceil(Date.now() / 1000) + resetInSeconds;
    this.answerNext(
      {
        status: 429,
        headers: {
          'x-rate-limit-limit': '15',
          'x-rate-limit-remaining': '0',
          'x-rate-limit-reset': String(reset),
        },
        body: { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 },
      },
      (request) => isDmSend(request) && (forText === undefined || (request.body as { text?: string })?.text === forText),
    );
    return reset;
  }

  failNextSend(status: number, forText?: string, detail = 'planned failure'): void {
    this.answerNext(
      { status, body: { title: 'Error', detail, type: 'about:blank', status } },
      (request) => isDmSend(request) && (forText === undefined || (request.body as { text?: string })?.text === forText),
    );
  }

  protected answer(request: RecordedRequest): PlannedAnswer {
    const match = DM_PATH.exec(request.path);
    if (request.method === 'POST' && match) {
      if (!String(request.headers.authorization ?? '').startsWith('OAuth ')) {
        return { status: 401, body: { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' } };
      }
      this.sequence += 1;
      return { status: 201, body: { data: { dm_conversation_id: `conv-${match[1]}`, dm_event_id: `17000000000000${this.sequence}` } } };
    }
    return { status: 404, body: { title: 'Not Found', type: 'about:blank', status: 404 } };
  }
}

function isDmSend(request: RecordedRequest): boolean {
  return request.method === 'POST' && DM_PATH.test(request.path);
}

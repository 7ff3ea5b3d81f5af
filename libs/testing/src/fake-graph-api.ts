import { LoopbackFake, PlannedAnswer, RecordedRequest } from './loopback-http';

/** The body of a Send API call as the platform sent it. */
export interface GraphSendBody {
  recipient: { id: string };
  messaging_type?: string;
  tag?: string;
  message?: { text?: string; metadata?: string };
  sender_action?: string;
}

/**
 * A loopback stand-in for Meta's Graph API, enough for Messenger: `POST /{version}/me/messages` (Send API and sender
 * actions) answers `{recipient_id, message_id}`; `GET /{version}/{psid}` answers the user profile set with
 * `setProfile`. Planned errors use Meta's `{error: {message, type, code, error_subcode, fbtrace_id}}` shape.
 */
export class FakeGraphApi extends LoopbackFake {
  private readonly profiles = new Map<string, { first_name: string; last_name: string }>();
  private sequence = 0;

  static async start(): Promise<FakeGraphApi> {
    const fake = new FakeGraphApi();
    await fake.listen();
    return fake;
  }

  setProfile(psid: string, firstName: string, lastName: string): void {
    this.profiles.set(psid, { first_name: firstName, last_name: lastName });
  }

  /** Send API calls carrying a message (not sender actions). */
  messageSends(): (RecordedRequest & { body: GraphSendBody })[] {
    return this.requests.filter(isMessageSend) as (RecordedRequest & { body: GraphSendBody })[];
  }

  /** Sender actions (typing_on, typing_off, mark_seen) in the order received, refused ones included. */
  senderActions(psid?: string): (RecordedRequest & { body: GraphSendBody })[] {
    return this.requests.filter(
      (request) => isSenderAction(request) && (psid === undefined || (request.body as GraphSendBody).recipient?.id === psid),
    ) as (RecordedRequest & { body: GraphSendBody })[];
  }

  async waitForSenderAction(action: string, psid?: string, timeoutMs?: number): Promise<RecordedRequest & { body: GraphSendBody }> {
    const [request] = await this.waitFor(
      (candidate) =>
        isSenderAction(candidate) &&
        (candidate.body as GraphSendBody).sender_action === action &&
        (psid === undefined || (candidate.body as GraphSendBody).recipient?.id === psid),
      1,
      timeoutMs,
    );
    return request as RecordedRequest & { body: GraphSendBody };
  }

  /** The next sender action (optionally only this one) fails with this Graph error. */
  failNextSenderAction(error: { code: number; message?: string; status?: number }, action?: string): void {
    this.answerNext(
      {
        status: error.status ?? 400,
        body: {
          error: {
            message: error.message ?? `(#${error.code}) planned failure`,
            type: error.code === 190 ? 'OAuthException' : 'FacebookApiException',
            code: error.code,
            fbtrace_id: `trace${this.sequence}`,
          },
        },
      },
      (request) => isSenderAction(request) && (action === undefined || (request.body as GraphSendBody).sender_action === action),
    );
  }

  profileLookups(): RecordedRequest[] {
    return this.requests.filter((request) => request.method === 'GET');
  }

  async waitForMessageSends(count = 1, timeoutMs?: number): Promise<(RecordedRequest & { body: GraphSendBody })[]> {
    return (await this.waitFor(isMessageSend, count, timeoutMs)) as (RecordedRequest & { body: GraphSendBody })[];
  }

  /** The next Send API call fails with this Graph error (e.g. 613 rate limit, 190 bad token). */
  failNextSend(error: {
    code: number;
    subcode?: number;
    message?: string;
    status?: number;
    headers?: Record<string, string>;
    /** Only a send of this text fails (other sends, e.g. automatic acknowledgements, are answered normally). */
    forText?: string;
  }): void {
    this.answerNext(
      {
        status: error.status ?? 400,
        headers: error.headers,
        body: {
          error: {
            message: error.message ?? `(#${error.code}) planned failure`,
            type: error.code === 190 ? 'OAuthException' : 'FacebookApiException',
            code: error.code,
            ...(error.subcode ? { error_subcode: error.subcode } : {}),
            fbtrace_id: `trace${this.sequence}`,
          },
        },
      },
      (request) => isMessageSend(request) && (error.forText === undefined || (request.body as GraphSendBody).message?.text === error.forText),
    );
  }

  protected answer(request: RecordedRequest): PlannedAnswer {
    if (request.method === 'POST' && request.path.endsWith('/me/messages')) {
      const body = request.body as GraphSendBody;
      if (!body?.recipient?.id) return graphError(400, 100, '(#100) The parameter recipient is required');
      this.sequence += 1;
      if (body.sender_action) return { status: 200, body: { recipient_id: body.recipient.id } };
      return { status: 200, body: { recipient_id: body.recipient.id, message_id: `m_fake${this.sequence}` } };
    }
    if (request.method === 'GET') {
      const psid = request.path.split('/').pop() ?? '';
      const profile = this.profiles.get(psid);
      if (!profile) return graphError(400, 100, 'Unsupported get request');
      return { status: 200, body: { ...profile, id: psid } };
    }
    return graphError(404, 803, 'Unknown path');
  }
}

function isMessageSend(request: RecordedRequest): boolean {
  return request.method === 'POST' && request.path.endsWith('/me/messages') && typeof (request.body as GraphSendBody)?.message === 'object';
}

function isSenderAction(request: RecordedRequest): boolean {
  return request.method === 'POST' && request.path.endsWith('/me/messages') && typeof (request.body as GraphSendBody)?.sender_action === 'string';
}

function graphError(status: number, code: number, message: string): PlannedAnswer {
  return { status, body: { error: { message, type: 'GraphMethodException', code, fbtrace_id: 'fake' } } };
}

import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { PermanentDeliveryError, TransientDeliveryError } from '../channel-adapter';

export interface FacebookSendBody {
  recipient: { id: string };
  messaging_type?: 'RESPONSE' | 'MESSAGE_TAG';
  tag?: 'HUMAN_AGENT';
  message?: { text: string; metadata?: string };
  sender_action?: 'typing_on' | 'typing_off' | 'mark_seen';
}

interface GraphError {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  fbtrace_id?: string;
}

const RATE_LIMIT_CODES = new Set([4, 17, 32, 613, 80006]);
const TRANSIENT_CODES = new Set([1, 2]);

/** The Graph API calls of the Messenger channel: Send API and user profile. */
@Injectable()
export class FacebookGraphClient {
  private readonly settings: AppConfig['channels']['facebook'];
  private readonly timeoutMs: number;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.settings = config.channels.facebook;
    this.timeoutMs = config.channels.sendTimeoutMs;
  }

  hasPage(pageId: string): boolean {
    return Object.hasOwn(this.settings.pages, pageId);
  }

  /** POST /{version}/me/messages as the page; returns the provider's message id (empty for sender actions). */
  async send(pageId: string, body: FacebookSendBody): Promise<{ messageId: string }> {
    const response = await this.call(pageId, 'POST', `me/messages`, body);
    const data = (await response.json().catch(() => ({}))) as { message_id?: string };
    return { messageId: typeof data.message_id === 'string' ? data.message_id : '' };
  }

  /** The citizen's public name as the page sees it, or null when Meta does not give it (permissions, privacy). */
  async displayName(pageId: string, psid: string): Promise<string | null> {
    try {
      const response = await this.call(pageId, 'GET', `${encodeURIComponent(psid)}`, undefined, {
        fields: 'first_name,last_name,name',
      });
      const profile = (await response.json()) as { name?: string; first_name?: string; last_name?: string };
      const name = profile.name ?? [profile.first_name, profile.last_name].filter(Boolean).join(' ');
      return name.trim() ? name.trim().slice(0, 200) : null;
    } catch {
      return null;
    }
  }

  private async call(
    pageId: string,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    query: Record<string, string> = {},
  ): Promise<Response> {
    const page = this.settings.pages[pageId];
    if (!page) throw new PermanentDeliveryError(`page ${pageId} not configured`, `Facebook page ${pageId} is not configured on this platform`);
    const url = new URL(`${this.settings.graphBaseUrl}/${this.settings.graphVersion}/${path}`);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    url.searchParams.set('access_token', page.accessToken);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      // Network failure or timeout: the request may or may not have reached Meta (see docs/channels.md).
      throw new TransientDeliveryError(`Graph API unreachable: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (response.ok) return response;
    throw await this.errorFrom(response);
  }

  private async errorFrom(response: Response): Promise<Error> {
    const payload = (await response.json().catch(() => ({}))) as { error?: GraphError };
    const error = payload.error ?? {};
    const code = error.code ?? 0;
    const detail = `Facebook error ${code}${error.error_subcode ? `/${error.error_subcode}` : ''}: ${error.message ?? response.statusText}`;
    if (RATE_LIMIT_CODES.has(code) || response.status === 429) {
      return new TransientDeliveryError(`rate limited by Meta (${detail})`, this.rateLimitWait(response));
    }
    if (TRANSIENT_CODES.has(code) || response.status >= 500) return new TransientDeliveryError(detail);
    if (code === 190) return new PermanentDeliveryError(detail, 'Facebook refused the page token (invalid or expired, code 190): an administrator must renew it');
    if (code === 10 || error.error_subcode === 2018278) {
      return new PermanentDeliveryError(detail, 'Facebook refused the answer: outside the messaging window allowed for this conversation');
    }
    if (code === 551) return new PermanentDeliveryError(detail, 'The citizen is not reachable on Messenger any more (code 551)');
    if (code === 200 || code === 230) return new PermanentDeliveryError(detail, `The page lacks the permission to answer (code ${code})`);
    return new PermanentDeliveryError(detail, `Facebook refused the answer: ${error.message ?? `HTTP ${response.status}`}`);
  }

  /** Meta says in minutes when access comes back (X-Business-Use-Case-Usage); otherwise the configured wait. */
  private rateLimitWait(response: Response): number {
    const header = response.headers.get('x-business-use-case-usage');
    let minutes = 0;
    if (header) {
      try {
        const usage = JSON.parse(header) as Record<string, { estimated_time_to_regain_access?: number }[]>;
        for (const entries of Object.values(usage)) {
          for (const entry of entries) minutes = Math.max(minutes, Number(entry.estimated_time_to_regain_access) || 0);
        }
      } catch {
        minutes = 0;
      }
    }
    return minutes > 0 ? minutes * 60_000 : this.settings.rateLimitWaitMs;
  }
}

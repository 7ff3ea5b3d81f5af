import { Injectable } from '@nestjs/common';
import type { ConnectorClient } from 'botframework-connector';
import {
  ChannelAdapter,
  ChannelLimits,
  DeliveryReceipt,
  OutboundDelivery,
  PermanentDeliveryError,
  TransientDeliveryError,
} from '../channel-adapter';
import { BotFrameworkAddress, botFrameworkAddressFrom } from './botframework-activity';
import { BotFrameworkCredentials } from './botframework-credentials';
import { loadBotFrameworkSdk } from './botframework-sdk';

const REQUEST_TIMEOUT_MS = 15_000;

/**
 * Answers citizens on Bot Framework channels (Teams, Web Chat / Direct Line...) by posting an Activity to the
 * connector at the serviceUrl the citizen's first Activity came from.
 */
@Injectable()
export class BotFrameworkAdapter implements ChannelAdapter {
  readonly channel = 'botframework' as const;

  constructor(private readonly credentials: BotFrameworkCredentials) {}

  limits(): ChannelLimits {
    // Teams refuses messages above about 28 KB; the other connector channels accept at least as much.
    return { maxTextLength: 28_000, standardReplyWindowHours: null, hardReplyWindowHours: null, supportsTyping: true };
  }

  async send(delivery: OutboundDelivery): Promise<DeliveryReceipt> {
    const address = this.addressOf(delivery.recipient);
    const response = await this.post(address, {
      type: 'message',
      text: delivery.text,
      textFormat: 'plain',
      attachments: delivery.attachments.map((attachment) => ({
        contentType: attachment.type.includes('/') ? attachment.type : 'application/octet-stream',
        contentUrl: attachment.url,
        name: attachment.name,
      })),
    });
    return { providerMessageId: response.id || delivery.messageId };
  }

  /** Shows "…is typing" to the citizen while an agent writes. */
  async sendTyping(recipient: OutboundDelivery['recipient']): Promise<void> {
    await this.post(this.addressOf(recipient), { type: 'typing' });
  }

  private addressOf(recipient: OutboundDelivery['recipient']): BotFrameworkAddress {
    const address = botFrameworkAddressFrom(recipient.address);
    if (!address) throw new PermanentDeliveryError('No Bot Framework address is known for this citizen', 'Adresse Bot Framework du citoyen inconnue');
    return address;
  }

  private async post(address: BotFrameworkAddress, activity: Record<string, unknown>): Promise<{ id: string }> {
    const connector = await this.connectorFor(address.serviceUrl);
    try {
      const response = await connector.conversations.sendToConversation(
        address.conversationId,
        {
          ...activity,
          channelId: address.channelId,
          serviceUrl: address.serviceUrl,
          from: { id: address.botId, name: address.botName ?? undefined },
          recipient: { id: address.userId },
          conversation: { id: address.conversationId },
        } as never,
        { timeout: REQUEST_TIMEOUT_MS },
      );
      return { id: response?.id ?? '' };
    } catch (error) {
      throw deliveryErrorFrom(error);
    }
  }

  private async connectorFor(serviceUrl: string): Promise<ConnectorClient> {
    const [sdk, credentials] = await Promise.all([loadBotFrameworkSdk(), this.credentials.get()]);
    const connector = new sdk.ConnectorClient(credentials as never, { baseUri: serviceUrl });
    // The outbound queue owns retries and their back-off; the HTTP pipeline's own retries would multiply them
    // and hold a worker slot for up to a minute.
    const pipeline = (connector as unknown as { client?: { pipeline?: { removePolicy(options: { phase: string }): unknown } } })
      .client?.pipeline;
    pipeline?.removePolicy({ phase: 'Retry' });
    return connector;
  }
}

interface HttpFailure {
  statusCode?: number;
  response?: { headers?: { get?(name: string): string | undefined } };
}

/** 408, 429 and 5xx are worth retrying (after Retry-After when given); any other refusal is final. */
export function deliveryErrorFrom(error: unknown): Error {
  if (error instanceof PermanentDeliveryError || error instanceof TransientDeliveryError) return error;
  const failure = (error ?? {}) as HttpFailure;
  const status = typeof failure.statusCode === 'number' ? failure.statusCode : undefined;
  const detail = error instanceof Error ? error.message : String(error);
  if (status === undefined) return new TransientDeliveryError(`Bot Framework connector unreachable: ${detail}`);
  if (status === 408 || status === 429 || status >= 500) {
    const retryAfterMs = retryAfterToMs(failure.response?.headers?.get?.('retry-after'));
    return new TransientDeliveryError(`Bot Framework connector answered ${status}`, retryAfterMs);
  }
  return new PermanentDeliveryError(
    `Bot Framework connector refused the reply (${status}): ${detail}`,
    `Le service Bot Framework a refusé le message (${status})`,
  );
}

function retryAfterToMs(header: string | undefined): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

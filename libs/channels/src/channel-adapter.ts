import type { MessageAttachment } from '@brigade/conversations';

// The normalised inbound message belongs to intake, which consumes it; the channels keep exporting it.
import type { ChannelName } from '@brigade/intake';
export { CHANNELS, type ChannelName, type NormalisedInboundMessage } from '@brigade/intake';

/** Everything an adapter needs to send one agent reply back to a citizen. */
export interface OutboundDelivery {
  messageId: string;
  conversationId: string;
  text: string;
  attachments: MessageAttachment[];
  recipient: { externalId: string; channelAccount: string; address: Record<string, unknown> };
  authorName: string;
  createdAt: Date;
  /** When the citizen last wrote: channels with reply windows decide from it. */
  lastCitizenMessageAt: Date | null;
}

export interface DeliveryReceipt {
  providerMessageId: string;
}

/** Reply-window rules shown to the agent and enforced before sending. */
export interface ChannelLimits {
  maxTextLength: number;
  /** Hours after the citizen's last message during which a normal reply is allowed; null when unlimited. */
  standardReplyWindowHours: number | null;
  /** Hours after which nothing can be sent at all; null when unlimited. */
  hardReplyWindowHours: number | null;
  supportsTyping: boolean;
}

/** The provider refused for good (bad token, outside the window): never retried, shown to the agent. */
export class PermanentDeliveryError extends Error {
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}

/** The provider asked us to slow down or failed transiently: retried, after retryAfterMs when known. */
export class TransientDeliveryError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'TransientDeliveryError';
  }
}

/** The one interface every channel implements for the way back to the citizen. */
export interface ChannelAdapter {
  readonly channel: ChannelName;
  /**
   * Sending the same message twice is harmless (the recipient keeps one per message id): the reply is sent, then
   * recorded, and no ledger of attempts is kept. Providers that take no idempotency key leave it unset.
   */
  readonly idempotentSend?: boolean;
  limits(): ChannelLimits;
  send(delivery: OutboundDelivery): Promise<DeliveryReceipt>;
}

import type { MessageAttachment } from '@brigade/conversations';

// The input of intake: every channel adapter turns what it receives into this before calling IntakeService.accept.
// It lives here, with its consumer, so that channels depend on intake and never the other way round.

export const CHANNELS = ['webchat', 'facebook', 'x', 'botframework', 'email'] as const;
export type ChannelName = (typeof CHANNELS)[number];

/** What every channel turns an inbound message into before it enters the unified inbound queue. */
export interface NormalisedInboundMessage {
  channel: ChannelName;
  /** The page, X account or bot written to ('' for the web chat). */
  channelAccount: string;
  /** The channel's own id for the message: the idempotency key of intake. */
  channelMessageId: string;
  sender: {
    externalId: string;
    displayName?: string;
    /** What the channel needs later to answer this sender (e.g. Bot Framework serviceUrl). */
    address?: Record<string, unknown>;
  };
  text: string;
  attachments: MessageAttachment[];
  /** ISO instant the citizen sent it, as the channel says. */
  sentAt: string;
  language?: string;
  /**
   * How a conversation this message opens starts (the contact form: the topic the citizen chose, low priority, no
   * topic menu). Ignored when the message lands in an open conversation.
   */
  opening?: ConversationOpening;
}

export interface ConversationOpening {
  queue: string;
  priority: number;
  /** The citizen chose the topic already: the assistant does not offer its menu. */
  topicChosen: boolean;
  /** The topic's victim-safety rules apply (shown by pseudonym, kept under the sensitive retention). */
  sensitive?: boolean;
}

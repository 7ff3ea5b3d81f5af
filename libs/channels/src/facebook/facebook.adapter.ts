import { Injectable } from '@nestjs/common';
import {
  ChannelAdapter,
  ChannelLimits,
  DeliveryReceipt,
  OutboundDelivery,
  PermanentDeliveryError,
} from '../channel-adapter';
import { FacebookGraphClient } from './facebook-graph.client';
import { FACEBOOK_HUMAN_AGENT_WINDOW_HOURS, FACEBOOK_STANDARD_WINDOW_HOURS, facebookReplyMode } from './facebook-reply-window';

export type FacebookSenderAction = 'typing_on' | 'typing_off' | 'mark_seen';
const MAX_TEXT_LENGTH = 2000;

/** Messenger through the Send API, within Meta's 24-hour / 7-day human-agent windows. */
@Injectable()
export class FacebookAdapter implements ChannelAdapter {
  readonly channel = 'facebook' as const;

  constructor(private readonly graph: FacebookGraphClient) {}

  limits(): ChannelLimits {
    return {
      maxTextLength: MAX_TEXT_LENGTH,
      standardReplyWindowHours: FACEBOOK_STANDARD_WINDOW_HOURS,
      hardReplyWindowHours: FACEBOOK_HUMAN_AGENT_WINDOW_HOURS,
      supportsTyping: true,
    };
  }

  async send(delivery: OutboundDelivery): Promise<DeliveryReceipt> {
    const mode = facebookReplyMode(delivery.lastCitizenMessageAt, new Date());
    if (!mode.allowed) throw new PermanentDeliveryError(mode.reason, mode.reason);
    // Messenger has no link attachments for replies built on the desk: links go in the text.
    const text = [delivery.text, ...delivery.attachments.map((attachment) => attachment.url)].filter(Boolean).join('\n');
    if (text.length > MAX_TEXT_LENGTH) {
      const reason = `Messenger refuses messages over ${MAX_TEXT_LENGTH} characters: shorten the answer or split it`;
      throw new PermanentDeliveryError(reason, reason);
    }
    const { messageId } = await this.graph.send(delivery.recipient.channelAccount, {
      recipient: { id: delivery.recipient.externalId },
      messaging_type: mode.messagingType,
      ...(mode.messagingType === 'MESSAGE_TAG' ? { tag: mode.tag } : {}),
      // Comes back in the echo: proves the send even if the worker dies before recording it.
      message: { text, metadata: delivery.messageId },
    });
    if (!messageId) throw new PermanentDeliveryError('no message_id in the Send API answer', 'Facebook accepted the request but returned no message id');
    return { providerMessageId: messageId };
  }

  /** Shows "typing…" or "seen" to the citizen; best effort, never retried. */
  async senderAction(recipient: { externalId: string; channelAccount: string }, action: FacebookSenderAction): Promise<void> {
    await this.graph.send(recipient.channelAccount, { recipient: { id: recipient.externalId }, sender_action: action });
  }
}

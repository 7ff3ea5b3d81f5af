import { Injectable } from '@nestjs/common';
import { RealtimePublisher } from '@brigade/realtime';
import { ChannelAdapter, ChannelLimits, DeliveryReceipt, OutboundDelivery } from '../channel-adapter';

/**
 * The web chat answers through the citizen's socket room. The widget acknowledges each message by id,
 * which marks it delivered; until then the relay may push it again and the widget ignores the duplicate.
 */
@Injectable()
export class WebchatAdapter implements ChannelAdapter {
  readonly channel = 'webchat' as const;
  readonly idempotentSend = true;

  constructor(private readonly realtime: RealtimePublisher) {}

  limits(): ChannelLimits {
    return { maxTextLength: 4000, standardReplyWindowHours: null, hardReplyWindowHours: null, supportsTyping: true };
  }

  async send(delivery: OutboundDelivery): Promise<DeliveryReceipt> {
    await this.realtime.toCitizen(delivery.recipient.externalId, 'message', {
      id: delivery.messageId,
      conversationId: delivery.conversationId,
      author: 'agent',
      authorName: delivery.authorName,
      text: delivery.text,
      at: delivery.createdAt.toISOString(),
    });
    return { providerMessageId: delivery.messageId };
  }
}

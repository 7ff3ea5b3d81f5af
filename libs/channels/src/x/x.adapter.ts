import { Injectable } from '@nestjs/common';
import {
  ChannelAdapter,
  ChannelLimits,
  DeliveryReceipt,
  OutboundDelivery,
  PermanentDeliveryError,
} from '../channel-adapter';
import { XDmClient } from './x-dm.client';

const MAX_TEXT_LENGTH = 10_000;

/** X direct messages: no reply window, but the citizen must accept DMs from the account. */
@Injectable()
export class XAdapter implements ChannelAdapter {
  readonly channel = 'x' as const;

  constructor(private readonly dms: XDmClient) {}

  limits(): ChannelLimits {
    return { maxTextLength: MAX_TEXT_LENGTH, standardReplyWindowHours: null, hardReplyWindowHours: null, supportsTyping: false };
  }

  async send(delivery: OutboundDelivery): Promise<DeliveryReceipt> {
    const text = [delivery.text, ...delivery.attachments.map((attachment) => attachment.url)].filter(Boolean).join('\n');
    if (text.length > MAX_TEXT_LENGTH) {
      const reason = `X refuses direct messages over ${MAX_TEXT_LENGTH} characters`;
      throw new PermanentDeliveryError(reason, reason);
    }
    const { eventId } = await this.dms.sendDm(delivery.recipient.channelAccount, delivery.recipient.externalId, text);
    return { providerMessageId: eventId };
  }
}

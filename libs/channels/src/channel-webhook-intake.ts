import { Injectable, Logger } from '@nestjs/common';
import { IntakeService } from '@brigade/intake';
import type { NormalisedInboundMessage } from './channel-adapter';
import type { ParsedWebhookBatch } from './channel-receipt';
import { DeliveryReceiptsService } from './delivery-receipts.service';

export type WebhookOutcome =
  | { status: 'disabled' }
  | { status: 'not-json' }
  | { status: 'too-large'; limitBytes: number }
  | { status: 'missing-signature' }
  | { status: 'bad-signature' }
  | { status: 'accepted'; stored: NormalisedInboundMessage[]; duplicates: number; receipts: number; dropped: number };

/**
 * What the Facebook and X webhooks share once a body is verified and parsed: every citizen message goes through
 * the durable inbox (deduplicated on the channel's id), receipts update statuses, the rest is logged and dropped.
 */
@Injectable()
export class ChannelWebhookIntake {
  private readonly logger = new Logger(ChannelWebhookIntake.name);

  constructor(
    private readonly intake: IntakeService,
    private readonly receipts: DeliveryReceiptsService,
  ) {}

  async accept(channel: string, batch: ParsedWebhookBatch<NormalisedInboundMessage>): Promise<WebhookOutcome> {
    for (const account of new Set(batch.unknownAccounts)) {
      this.logger.warn({ channel, account }, 'webhook event for a page or account this platform does not serve: dropped');
    }
    for (const rejected of batch.rejected) {
      this.logger.warn({ channel, reason: rejected.reason }, 'webhook event not understood: dropped');
    }
    const stored: NormalisedInboundMessage[] = [];
    let duplicates = 0;
    let failure: unknown = null;
    // Each message on its own: a failure on one does not keep the others out; the caller retries the batch,
    // and what was stored before is recognised as a duplicate.
    for (const message of batch.messages) {
      try {
        const receipt = await this.intake.accept(message);
        if (receipt.duplicate) duplicates += 1;
        // Quarantined (refused for good, recorded with its raw bytes): the provider gets its 200 all the same.
        else if (!receipt.quarantined) stored.push(message);
      } catch (error) {
        failure = error;
        this.logger.error({ err: error, channel, channelMessageId: message.channelMessageId }, 'inbound message not stored');
      }
    }
    let receipts = 0;
    for (const receipt of batch.receipts) {
      try {
        receipts += await this.receipts.apply(receipt);
      } catch (error) {
        this.logger.warn({ err: error, channel, kind: receipt.kind }, 'delivery receipt not applied');
      }
    }
    if (failure) throw failure;
    return { status: 'accepted', stored, duplicates, receipts, dropped: batch.unknownAccounts.length + batch.rejected.length };
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Agent } from '@brigade/agents';
import { ChannelIdentity } from '@brigade/contacts';
import { Conversation, DeliveryStatus, Message } from '@brigade/conversations';
import { platformMetrics } from '@brigade/metrics';
import { RealtimePublisher } from '@brigade/realtime';
import { ChannelRegistry } from './channel-registry';
import { PermanentDeliveryError } from './channel-adapter';

export type DeliveryOutcome = 'sent' | 'already-done' | 'missing';

/**
 * Sends one stored agent reply through its channel and records the result. Only a 'queued' message is sent,
 * so a redelivered job does not send twice once the first send has been recorded.
 */
@Injectable()
export class DeliverReplyUseCase {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly channels: ChannelRegistry,
    private readonly realtime: RealtimePublisher,
  ) {}

  async execute(messageId: string): Promise<DeliveryOutcome> {
    const message = await this.dataSource.getRepository(Message).findOneBy({ id: messageId });
    if (!message || message.direction !== 'outbound') return 'missing';
    if (message.deliveryStatus !== 'queued') return 'already-done';
    const conversation = await this.dataSource.getRepository(Conversation).findOneByOrFail({ id: message.conversationId });
    const identity = await this.dataSource.getRepository(ChannelIdentity).findOneByOrFail({ id: conversation.identityId });
    const author = message.authorAgentId
      ? await this.dataSource.getRepository(Agent).findOneBy({ id: message.authorAgentId })
      : null;
    await this.dataSource.query('UPDATE messages SET delivery_attempts = delivery_attempts + 1 WHERE id = $1', [messageId]);

    try {
      const receipt = await this.channels.get(message.channel).send({
        messageId: message.id,
        conversationId: message.conversationId,
        text: message.text,
        attachments: message.attachments,
        recipient: { externalId: identity.externalId, channelAccount: identity.channelAccount, address: identity.address },
        authorName: author?.displayName ?? 'Gendarmerie',
        createdAt: message.createdAt,
        lastCitizenMessageAt: conversation.lastCitizenMessageAt,
      });
      await this.dataSource.query(
        `UPDATE messages SET delivery_status = 'sent', channel_message_id = $2, sent_at = now(), delivery_error = NULL
          WHERE id = $1 AND delivery_status = 'queued'`,
        [messageId, receipt.providerMessageId],
      );
      platformMetrics.messages.inc({ channel: message.channel, direction: 'outbound' });
      await this.publishStatus(message, 'sent', null);
      return 'sent';
    } catch (error) {
      if (error instanceof PermanentDeliveryError) await this.markFailed(message, error.reason);
      throw error;
    }
  }

  /** Called when a delivery will not be retried any more. */
  async markFailed(message: Pick<Message, 'id' | 'conversationId' | 'authorAgentId'>, reason: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE messages SET delivery_status = 'failed', delivery_error = $2 WHERE id = $1 AND delivery_status = 'queued'`,
      [message.id, reason],
    );
    await this.publishStatus(message, 'failed', reason);
  }

  async markFailedById(messageId: string, reason: string): Promise<void> {
    const message = await this.dataSource.getRepository(Message).findOneBy({ id: messageId });
    if (message) await this.markFailed(message, reason);
  }

  private async publishStatus(
    message: Pick<Message, 'id' | 'conversationId' | 'authorAgentId'>,
    status: DeliveryStatus,
    error: string | null,
  ): Promise<void> {
    if (!message.authorAgentId) return;
    await this.realtime.toAgent(message.authorAgentId, 'message:status', {
      messageId: message.id,
      conversationId: message.conversationId,
      status,
      error,
    });
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RealtimePublisher } from '@brigade/realtime';
import type { ChannelReceipt } from './channel-receipt';

interface UpdatedMessage {
  id: string;
  conversation_id: string;
  author_agent_id: string | null;
}

/**
 * Applies what a channel says about replies we sent (delivered, read, our own echo) to the stored messages and tells
 * the authors' desks. A status only moves forward: queued -> sent -> delivered -> read.
 */
@Injectable()
export class DeliveryReceiptsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly realtime: RealtimePublisher,
  ) {}

  async apply(receipt: ChannelReceipt): Promise<number> {
    const { status, rows } = await this.update(receipt);
    for (const row of rows) {
      if (!row.author_agent_id) continue;
      await this.realtime.toAgent(row.author_agent_id, 'message:status', {
        messageId: row.id,
        conversationId: row.conversation_id,
        status,
        error: null,
      });
    }
    return rows.length;
  }

  private async update(receipt: ChannelReceipt): Promise<{ status: 'sent' | 'delivered' | 'read'; rows: UpdatedMessage[] }> {
    switch (receipt.kind) {
      case 'echo': {
        if (!receipt.ourMessageId) return { status: 'sent', rows: [] };
        // The provider accepted this reply: record it even when the worker that sent it died before doing so.
        const rows = await this.returning(
          `WITH updated AS (
             UPDATE messages SET delivery_status = 'sent', channel_message_id = $2, sent_at = COALESCE(sent_at, now()),
                    delivery_error = NULL
              WHERE id = $1 AND channel = $3 AND direction = 'outbound' AND delivery_status = 'queued'
              RETURNING id, conversation_id, author_agent_id
           ), attempts AS (
             UPDATE delivery_attempts SET outcome = 'sent', provider_message_id = $2, finished_at = now()
              WHERE message_id IN (SELECT id FROM updated) AND outcome IN ('pending', 'in-doubt')
           )
           SELECT * FROM updated`,
          [receipt.ourMessageId, receipt.providerMessageId, receipt.channel],
        );
        return { status: 'sent', rows };
      }
      case 'delivered': {
        const byId: UpdatedMessage[] =
          receipt.providerMessageIds.length === 0
            ? []
            : await this.returning(
                `UPDATE messages SET delivery_status = 'delivered'
                  WHERE channel = $1 AND channel_message_id = ANY($2::text[]) AND direction = 'outbound'
                    AND delivery_status = 'sent'
                  RETURNING id, conversation_id, author_agent_id`,
                [receipt.channel, receipt.providerMessageIds],
              );
        const byWatermark = receipt.watermark ? await this.upToWatermark(receipt, 'delivered', ['sent']) : [];
        return { status: 'delivered', rows: [...byId, ...byWatermark] };
      }
      case 'read':
        return { status: 'read', rows: await this.upToWatermark(receipt, 'read', ['sent', 'delivered']) };
    }
  }

  private upToWatermark(
    receipt: Extract<ChannelReceipt, { kind: 'delivered' | 'read' }>,
    status: 'delivered' | 'read',
    from: string[],
  ): Promise<UpdatedMessage[]> {
    return this.returning(
      `UPDATE messages m SET delivery_status = $5
         FROM conversations c JOIN channel_identities i ON i.id = c.identity_id
        WHERE m.conversation_id = c.id AND i.channel = $1 AND i.channel_account = $2 AND i.external_id = $3
          AND m.direction = 'outbound' AND m.delivery_status = ANY($6::text[]) AND m.sent_at <= $4
        RETURNING m.id, m.conversation_id, m.author_agent_id`,
      [receipt.channel, receipt.channelAccount, receipt.citizenId, receipt.watermark, status, from],
    );
  }

  /** TypeORM returns [rows, count] for UPDATE ... RETURNING on PostgreSQL. */
  private async returning(sql: string, parameters: unknown[]): Promise<UpdatedMessage[]> {
    const result = (await this.dataSource.query(sql, parameters)) as [UpdatedMessage[], number] | UpdatedMessage[];
    return Array.isArray(result[0]) ? (result[0] as UpdatedMessage[]) : (result as UpdatedMessage[]);
  }
}

import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { NormalisedInboundMessage } from './inbound-message';
import { correlation } from '@brigade/queue';
import { QuarantinedMessage } from './quarantined-message.entity';

export interface QuarantineView {
  id: string;
  channel: string;
  channelMessageId: string | null;
  reason: string;
  error: string | null;
  receivedAt: Date;
  replayedAt: Date | null;
  replayOutcome: string | null;
  /** Size of the raw bytes; the bytes themselves (citizen data) are not listed. */
  bytes: number;
}

/** Messages intake could not store for good: recorded with their raw bytes, counted, listed for administrators. */
@Injectable()
export class QuarantineService {
  private readonly logger = new Logger(QuarantineService.name);

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Records a message as it reached intake. Throws when PostgreSQL cannot record it either (the caller answers 5xx). */
  async record(message: NormalisedInboundMessage, reason: 'empty' | 'refused', error: unknown): Promise<string> {
    const failure = error as { code?: unknown; message?: unknown } | null;
    const saved = await this.dataSource.getRepository(QuarantinedMessage).save({
      channel: String(message.channel).slice(0, 40),
      channelMessageId: typeof message.channelMessageId === 'string' ? message.channelMessageId.slice(0, 300) : null,
      senderExternalId: typeof message.sender?.externalId === 'string' ? message.sender.externalId.slice(0, 300) : null,
      reason,
      error: failure ? `${String(failure.code ?? '')} ${String(failure.message ?? '')}`.trim().slice(0, 500) : null,
      // JSON.stringify writes a lone surrogate as its escape: the bytes keep exactly what arrived.
      raw: Buffer.from(JSON.stringify(message), 'utf8'),
      correlationId: correlation.current() ?? null,
    });
    // Ids only: citizen text never goes to the logs.
    this.logger.warn({ quarantineId: saved.id, channel: saved.channel, channelMessageId: saved.channelMessageId, reason, err: error ?? undefined }, 'inbound message quarantined');
    return saved.id;
  }

  async openCount(): Promise<number> {
    const [{ n }] = await this.dataSource.query(`SELECT count(*)::int AS n FROM quarantined_messages WHERE replayed_at IS NULL`);
    return n;
  }

  async list(limit = 200): Promise<QuarantineView[]> {
    return this.dataSource.query(
      `SELECT id, channel, channel_message_id AS "channelMessageId", reason, error, received_at AS "receivedAt",
              replayed_at AS "replayedAt", replay_outcome AS "replayOutcome", octet_length(raw) AS bytes
         FROM quarantined_messages ORDER BY replayed_at IS NULL DESC, received_at DESC LIMIT $1`,
      [limit],
    );
  }

  /** The message as recorded, or null when there is no such entry. */
  async rawMessage(id: string): Promise<NormalisedInboundMessage | null> {
    const row = await this.dataSource.getRepository(QuarantinedMessage).findOneBy({ id });
    return row ? (JSON.parse(row.raw.toString('utf8')) as NormalisedInboundMessage) : null;
  }

  async markReplayed(id: string, outcome: string, done: boolean): Promise<void> {
    await this.dataSource.query(`UPDATE quarantined_messages SET replay_outcome = $2, replayed_at = CASE WHEN $3 THEN now() END WHERE id = $1`, [
      id,
      outcome.slice(0, 500),
      done,
    ]);
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AttachmentsService } from '@brigade/attachments';
import { AuditService } from '@brigade/audit';
import { APP_CONFIG, AppConfig } from '@brigade/config';

export interface PurgeReport {
  conversations: string[];
  inboxEntries: number;
  quarantinedMessages: number;
  agentStateChanges: number;
  /** Stored files deleted with the purged conversations' messages, and uploads whose message never came. */
  attachments: number;
}

/** An upload whose message never arrived (the citizen closed the tab in between) is kept this long. */
const UNLINKED_UPLOAD_MS = 24 * 3600_000;

/**
 * Applies the retention policy: a closed or abandoned conversation past its queue's retention loses its messages and
 * the citizen's identifiers; the row stays, empty, for statistics. A legal hold on the conversation or the contact
 * stops it. Raw inbox payloads go after INBOX_RETENTION_DAYS, quarantined messages (their raw bytes) after
 * QUARANTINE_RETENTION_DAYS, replayed or not, agents' state history (the console's timeline) after
 * AGENT_STATE_RETENTION_DAYS. Every purge is written to the audit log.
 */
@Injectable()
export class RetentionService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly attachments: AttachmentsService,
  ) {}

  /**
   * Retention days of a queue, as the purge applies them: the queue's retention_days in the queues table (read now,
   * so an administrator's edit applies at the next purge), else RETENTION_DAYS_BY_QUEUE, else RETENTION_DAYS.
   */
  async retentionDays(queue: string): Promise<number> {
    const rows: { retention_days: number | null }[] = await this.dataSource.query(
      `SELECT retention_days FROM queues WHERE key = $1`,
      [queue],
    );
    return rows[0]?.retention_days ?? this.config.retention.daysByQueue[queue] ?? this.config.retention.defaultDays;
  }

  async purgeExpired(now = new Date()): Promise<PurgeReport> {
    const overrides = Object.entries(this.config.retention.daysByQueue);
    const queues = overrides.map(([queue]) => queue);
    const days = overrides.map(([, value]) => value);
    const report = await this.dataSource.transaction(async (manager) => {
      const expired: { id: string }[] = await manager.query(
        `SELECT c.id FROM conversations c
           JOIN contacts k ON k.id = c.contact_id
           LEFT JOIN unnest($2::text[], $3::int[]) AS policy(queue, days) ON policy.queue = c.queue
          LEFT JOIN queues q ON q.key = c.queue
          WHERE c.status IN ('closed', 'abandoned') AND c.purged_at IS NULL
            AND NOT c.legal_hold AND NOT k.legal_hold
            AND COALESCE(c.closed_at, c.created_at)
                < $1::timestamptz - make_interval(days => COALESCE(q.retention_days, policy.days, $4::int))
          FOR UPDATE OF c SKIP LOCKED`,
        [now, queues, days, this.config.retention.defaultDays],
      );
      const ids = expired.map((row) => row.id);
      const storageKeys = await this.attachments.storageKeysOfConversations(manager, ids);
      if (ids.length > 0) await this.anonymise(manager, ids, now);
      const [, inboxEntries] = (await manager.query(
        `DELETE FROM inbox_entries WHERE processed_at IS NOT NULL
            AND processed_at < $1::timestamptz - make_interval(days => $2::int)`,
        [now, this.config.retention.inboxDays],
      )) as [unknown, number];
      const [, quarantinedMessages] = (await manager.query(
        `DELETE FROM quarantined_messages WHERE received_at < $1::timestamptz - make_interval(days => $2::int)`,
        [now, this.config.retention.quarantineDays],
      )) as [unknown, number];
      // An agent's state history is personal data about the gendarme (when they worked, when away): kept no longer
      // than the console needs it. The last row before the cut stays when it is the agent's current state.
      const [, agentStateChanges] = (await manager.query(
        `DELETE FROM agent_state_changes s WHERE s.at < $1::timestamptz - make_interval(days => $2::int)
            AND EXISTS (SELECT 1 FROM agent_state_changes n WHERE n.agent_id = s.agent_id AND n.at > s.at)`,
        [now, this.config.retention.agentStateDays],
      )) as [unknown, number];
      if (ids.length > 0 || inboxEntries > 0 || quarantinedMessages > 0 || agentStateChanges > 0) {
        await this.audit.record(
          {
            actorType: 'system',
            actorId: null,
            action: 'retention.purge',
            subjectType: 'conversation',
            subjectId: null,
            details: { conversations: ids, inboxEntries, quarantinedMessages, agentStateChanges, ...(storageKeys.length > 0 ? { attachments: storageKeys.length } : {}) },
          },
          manager,
        );
      }
      return { conversations: ids, inboxEntries, quarantinedMessages, agentStateChanges, storageKeys };
    });
    // The files go once their rows are gone for good (committed): a rolled-back purge keeps both.
    await this.attachments.deleteStoredObjects(report.storageKeys);
    const unlinked = await this.attachments.sweepUnlinked(UNLINKED_UPLOAD_MS);
    return {
      conversations: report.conversations,
      inboxEntries: report.inboxEntries,
      quarantinedMessages: report.quarantinedMessages,
      agentStateChanges: report.agentStateChanges,
      attachments: report.storageKeys.length + unlinked,
    };
  }

  /** Removes the content and the identifiers of conversations; the contact goes when nothing else refers to it. */
  private async anonymise(manager: EntityManager, conversationIds: string[], now: Date): Promise<void> {
    await manager.query(`DELETE FROM messages WHERE conversation_id = ANY($1::uuid[])`, [conversationIds]);
    // Reports to territorial units follow their conversation (their deliveries go with them).
    await manager.query(`DELETE FROM unit_reports WHERE conversation_id = ANY($1::uuid[])`, [conversationIds]);
    await manager.query(`UPDATE conversations SET purged_at = $2, close_outcome = NULL, tags = '{}' WHERE id = ANY($1::uuid[])`, [
      conversationIds,
      now,
    ]);
    // Identities and contacts whose every conversation is purged keep no identifier.
    await manager.query(
      `UPDATE channel_identities i SET external_id = 'purged:' || i.id, display_name = NULL, address = '{}'
        WHERE i.id IN (SELECT identity_id FROM conversations WHERE id = ANY($1::uuid[]))
          AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.identity_id = i.id AND c.purged_at IS NULL)`,
      [conversationIds],
    );
    await manager.query(
      `UPDATE contacts k SET display_name = NULL
        WHERE k.id IN (SELECT contact_id FROM conversations WHERE id = ANY($1::uuid[]))
          AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.contact_id = k.id AND c.purged_at IS NULL)`,
      [conversationIds],
    );
  }
}

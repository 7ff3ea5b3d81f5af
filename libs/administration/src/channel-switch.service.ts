import { Inject, Injectable } from '@nestjs/common';
import { InvalidInputError, UnavailableError } from '@brigade/errors';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { preparedStatement, runPrepared } from '@brigade/persistence';
import { AgentPrincipal } from '@brigade/agents';
import { AuditService } from '@brigade/audit';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { auditBy } from './admin-actor';

export const SWITCHABLE_CHANNELS = ['facebook', 'x', 'botframework'] as const;
export type SwitchableChannel = (typeof SWITCHABLE_CHANNELS)[number];

export interface ChannelAccountStatus {
  channel: SwitchableChannel;
  /** Page id, X user id or bot app id: public identifiers, never a secret. */
  account: string;
  /** Set up in the environment (secrets present and the channel enabled there). */
  configured: boolean;
  /** The administrators' switch for this account and for the whole channel. */
  enabled: boolean;
  channelEnabled: boolean;
  lastEventAt: Date | null;
  lastErrorAt: Date | null;
  lastError: string | null;
  /** Providers do not say it for the tokens used here; null when unknown. */
  tokenExpiresAt: Date | null;
}

/** The accounts a webhook payload is addressed to (page, X account, bot), read without trusting anything else in it. */
export function addressedAccounts(channel: SwitchableChannel, body: unknown): string[] {
  if (typeof body !== 'object' || body === null) return [];
  const record = body as Record<string, unknown>;
  if (channel === 'facebook' && Array.isArray(record.entry)) {
    return record.entry.map((entry) => (entry as { id?: unknown })?.id).filter((id): id is string => typeof id === 'string');
  }
  if (channel === 'x' && typeof record.for_user_id === 'string') return [record.for_user_id];
  if (channel === 'botframework') {
    const id = (record.recipient as { id?: unknown } | undefined)?.id;
    return typeof id === 'string' ? [id] : [];
  }
  return [];
}

/** Read on every webhook call. */
const SWITCHED_OFF_ACCOUNTS = preparedStatement(
  'switched-off-accounts',
  `SELECT account, enabled FROM channel_switches WHERE channel = $1 AND NOT enabled`,
);

/**
 * On/off switches of the channels and of each page, account or bot, in PostgreSQL so that every API process honours
 * a switch at the next webhook call; and the status of each configured account from what the database recorded.
 */
@Injectable()
export class ChannelSwitchService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  /**
   * Refuses a webhook call (503: the provider retries later, nothing is stored) when the channel is switched off,
   * or when every account the payload is addressed to is switched off.
   */
  async assertAccepting(channel: SwitchableChannel, body?: unknown): Promise<void> {
    const { rows } = await runPrepared<{ account: string; enabled: boolean }>(this.dataSource, SWITCHED_OFF_ACCOUNTS, [channel]);
    if (rows.length === 0) return;
    const off = new Set(rows.map((row) => row.account));
    const accounts = body === undefined ? [] : addressedAccounts(channel, body);
    if (off.has('') || (accounts.length > 0 && accounts.every((account) => off.has(account)))) {
      throw new UnavailableError('this channel is switched off by an administrator');
    }
  }

  async set(actor: AgentPrincipal, channel: SwitchableChannel, account: string, enabled: boolean): Promise<ChannelAccountStatus[]> {
    if (account !== '' && !this.configuredAccounts(channel).includes(account)) {
      throw new InvalidInputError(`account: "${account}" is not a configured ${channel} account`);
    }
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO channel_switches (channel, account, enabled, updated_by, updated_at) VALUES ($1, $2, $3, $4, now())
         ON CONFLICT (channel, account) DO UPDATE SET enabled = EXCLUDED.enabled, updated_by = EXCLUDED.updated_by, updated_at = now()`,
        [channel, account, enabled, actor.agentId],
      );
      await this.audit.record(auditBy(actor, enabled ? 'channel.switch-on' : 'channel.switch-off', 'channel', `${channel}:${account}`), manager);
    });
    return this.status();
  }

  async status(): Promise<ChannelAccountStatus[]> {
    const switches: { channel: string; account: string; enabled: boolean }[] = await this.dataSource.query(
      `SELECT channel, account, enabled FROM channel_switches`,
    );
    const events: { channel: string; account: string; at: Date }[] = await this.dataSource.query(
      `SELECT channel, COALESCE(payload->>'channelAccount', '') AS account, max(received_at) AS at
         FROM inbox_entries WHERE channel = ANY($1) GROUP BY 1, 2`,
      [SWITCHABLE_CHANNELS],
    );
    const failures: { channel: string; account: string; at: Date; error: string | null }[] = await this.dataSource.query(
      `SELECT DISTINCT ON (i.channel, i.channel_account) i.channel, i.channel_account AS account,
              COALESCE(d.finished_at, d.started_at) AS at, d.error
         FROM delivery_attempts d
         JOIN messages m ON m.id = d.message_id
         JOIN conversations c ON c.id = m.conversation_id
         JOIN channel_identities i ON i.id = c.identity_id
        WHERE d.outcome IN ('permanent', 'transient', 'in-doubt') AND i.channel = ANY($1)
        ORDER BY i.channel, i.channel_account, d.started_at DESC`,
      [SWITCHABLE_CHANNELS],
    );
    const switchOf = (channel: string, account: string) =>
      switches.find((row) => row.channel === channel && row.account === account)?.enabled ?? true;
    return SWITCHABLE_CHANNELS.flatMap((channel) =>
      this.configuredAccounts(channel).map((account) => {
        const failure = failures.find((row) => row.channel === channel && row.account === account);
        return {
          channel,
          account,
          configured: this.channelConfigured(channel),
          enabled: switchOf(channel, account),
          channelEnabled: switchOf(channel, ''),
          lastEventAt: events.find((row) => row.channel === channel && row.account === account)?.at ?? null,
          lastErrorAt: failure?.at ?? null,
          lastError: failure?.error ?? null,
          tokenExpiresAt: null,
        };
      }),
    );
  }

  private channelConfigured(channel: SwitchableChannel): boolean {
    if (channel === 'facebook') return this.config.channels.facebook.enabled;
    if (channel === 'x') return this.config.channels.x.enabled;
    return this.config.botframework.enabled;
  }

  private configuredAccounts(channel: SwitchableChannel): string[] {
    if (channel === 'facebook') return Object.keys(this.config.channels.facebook.pages);
    if (channel === 'x') return Object.keys(this.config.channels.x.accounts);
    return this.config.botframework.enabled || this.config.botframework.appId ? [this.config.botframework.appId] : [];
  }
}

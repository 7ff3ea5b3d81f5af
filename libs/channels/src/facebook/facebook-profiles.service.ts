import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { FacebookGraphClient } from './facebook-graph.client';

const REMEMBERED_LIMIT = 50_000;
/**
 * How long a lookup waits for the worker to create the identity: the inbound queue may be backed up under load
 * (or a worker restarting), so the wait spans seconds, polling less often as it goes.
 */
const IDENTITY_WAIT_BUDGET_MS = 60_000;
const IDENTITY_WAIT_FIRST_MS = 250;
const IDENTITY_WAIT_LONGEST_MS = 1_000;

/**
 * Fills in a Messenger contact's name from the Graph user profile, once per identity, after intake has acknowledged
 * the message: a slow or refused profile call never delays or blocks a citizen's message.
 */
@Injectable()
export class FacebookProfilesService implements OnModuleDestroy {
  private readonly logger = new Logger(FacebookProfilesService.name);
  /** Identities this process already looked up, so a chatty citizen costs one Graph call, not one per message. */
  private readonly remembered = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  /** Aborted at shutdown: no new lookup starts and a lookup's polling pause ends at once. */
  private readonly closing = new AbortController();
  private readonly enabled: boolean;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly graph: FacebookGraphClient,
  ) {
    this.enabled = config.channels.facebook.fetchProfiles;
  }

  /** Starts the lookup in the background; returns at once. */
  ensureDisplayName(pageId: string, psid: string): void {
    if (!this.enabled || this.closing.signal.aborted) return;
    const key = `${pageId}:${psid}`;
    if (this.remembered.has(key)) return;
    if (this.remembered.size >= REMEMBERED_LIMIT) this.remembered.clear();
    this.remembered.add(key);
    const work = this.lookUp(pageId, psid)
      .catch((error: unknown) => this.logger.warn({ err: error, pageId }, 'profile lookup failed'))
      .finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
  }

  async onModuleDestroy(): Promise<void> {
    this.closing.abort();
    await Promise.allSettled([...this.inFlight]);
  }

  private async lookUp(pageId: string, psid: string): Promise<void> {
    const known = (await this.dataSource.query(
      `SELECT display_name FROM channel_identities WHERE channel = 'facebook' AND channel_account = $1 AND external_id = $2`,
      [pageId, psid],
    )) as { display_name: string | null }[];
    if (known[0]?.display_name) return;
    const name = await this.graph.displayName(pageId, psid);
    if (!name) return;
    // The worker may not have created the identity yet when the Graph API answers quickly: wait a little for it.
    const deadline = Date.now() + IDENTITY_WAIT_BUDGET_MS;
    for (let pause = IDENTITY_WAIT_FIRST_MS; Date.now() < deadline && !this.closing.signal.aborted; pause = Math.min(pause * 2, IDENTITY_WAIT_LONGEST_MS)) {
      const [rows] = (await this.dataSource.query(
        `WITH identity AS (
           UPDATE channel_identities SET display_name = $3
            WHERE channel = 'facebook' AND channel_account = $1 AND external_id = $2 AND display_name IS NULL
            RETURNING contact_id
         )
         UPDATE contacts SET display_name = $3 WHERE id IN (SELECT contact_id FROM identity) AND display_name IS NULL
         RETURNING id`,
        [pageId, psid, name],
      )) as [unknown[], number];
      if (rows.length > 0) return;
      const exists = (await this.dataSource.query(
        `SELECT 1 FROM channel_identities WHERE channel = 'facebook' AND channel_account = $1 AND external_id = $2`,
        [pageId, psid],
      )) as unknown[];
      if (exists.length > 0) return;
      // Cut short at shutdown (the rejection only ends the pause; the loop then sees the abort).
      await sleep(pause, undefined, { signal: this.closing.signal }).catch(() => undefined);
    }
  }
}

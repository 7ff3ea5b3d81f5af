import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AgentPrincipal, Clock, DutyOverride } from '@brigade/agents';
import { AuditService } from '@brigade/audit';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { Message, citizenLanguageOf } from '@brigade/conversations';
import { ConflictError, InvalidInputError } from '@brigade/errors';
import { MailerService } from '@brigade/mail';
import { RealtimePublisher, SurgeTriggerView, SurgeView } from '@brigade/realtime';
import { AssignmentNotifier, QueueStatusService, ROUTABLE_SQL, ReroutingService, SCHEDULED_SQL } from '@brigade/routing';
import { SURGE_MESSAGE, leaveAMessageOffer } from './citizen-texts';
import { SurgeAdvice, SurgeQueueFigures, SurgeWatchInput, adviseSurge } from './surge-policy';

/** What platform_settings 'surge' holds; `enabled` is the flag intake and triage read with each message. */
interface SurgeState {
  enabled: boolean;
  appliedAt?: string;
  appliedBy?: { agentId: string | null; name: string };
  automatic?: boolean;
  triggers?: SurgeTriggerView[];
  reinforcements?: Reinforcement[];
  undoneAt?: string;
}

interface Reinforcement {
  agentId: string;
  displayName: string;
  /** The duty override before surge mode put them on duty: restored on undo or at `until`. */
  previousOverride: DutyOverride;
  until: string;
}

/** Who applies or undoes: a supervisor, or the platform itself (SURGE_AUTO_APPLY). */
export type SurgeActor = AgentPrincipal | 'automatic';

export interface SurgeApplyRequest {
  /** Reserve agents to put on duty; absent: as many as the watch proposes, from the reserve list. */
  reinforcements?: string[];
  /** How long they stay on duty; absent: SURGE_REINFORCEMENT_HOURS. */
  hours?: number;
}

/** The automatic application's name in the console and the audit details. */
export const AUTOMATIC_NAME = 'Application automatique';
/** Waiting citizens told of the surge when it is applied, at most (nearest the head of the queue first). */
const WAITING_OFFER_LIMIT = 2_000;

/**
 * Surge mode: the watch over each queue's surge wait threshold, the proposal it makes to the supervisors, and the
 * settings applied and undone in one action: the assistant answers recognised questions first and tells the honest
 * wait with the offer to leave a message (triage reads the flag), reserve agents are put on duty for a few hours and
 * called, and the citizens already waiting are told. Every application and undo is audited.
 */
@Injectable()
export class SurgeService {
  private readonly logger = new Logger(SurgeService.name);
  /** What this process last published, so that the watch pushes changes only. */
  private lastPublished: string | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly rerouting: ReroutingService,
    private readonly notifier: AssignmentNotifier,
    private readonly queueStatus: QueueStatusService,
    private readonly realtime: RealtimePublisher,
    private readonly mailer: MailerService,
  ) {}

  async status(): Promise<{ enabled: boolean }> {
    return { enabled: (await this.readState()).enabled };
  }

  /** The plain switch (PUT /api/supervisor/surge): on applies the settings without reinforcements, off undoes. */
  async set(principal: AgentPrincipal, enabled: boolean): Promise<{ enabled: boolean }> {
    const state = await this.readState();
    if (state.enabled !== enabled) {
      if (enabled) await this.apply(principal, { reinforcements: [] });
      else await this.undo(principal);
    }
    return { enabled };
  }

  /** The console's view: state, advice from the figures of now, the reserve list. */
  async view(): Promise<SurgeView> {
    const [state, input] = await Promise.all([this.readState(), this.watchInput()]);
    return this.toView(state, adviseSurge(input), await this.reserveList());
  }

  /**
   * One round of the watch (the worker runs it every SURGE_CHECK_INTERVAL_MS): ends the reinforcements whose time is
   * up, applies surge mode when the advice says so automatically, and pushes the view to the supervisors when it
   * changed.
   */
  async watch(): Promise<SurgeView> {
    await this.endExpiredReinforcements();
    const input = await this.watchInput();
    const advice = adviseSurge(input);
    if (advice.kind === 'propose' && advice.apply) {
      const applied = await this.apply('automatic', {}, advice).catch((error: unknown) => {
        // Another process applied it a moment before: their application stands.
        if (error instanceof ConflictError) return null;
        throw error;
      });
      if (applied) return applied;
    }
    const view = this.toView(await this.readState(), advice, await this.reserveList());
    await this.publishIfChanged(view);
    return view;
  }

  async apply(actor: SurgeActor, request: SurgeApplyRequest, advice?: SurgeAdvice): Promise<SurgeView> {
    const now = this.clock.now();
    const hours = request.hours ?? this.config.surge.reinforcementHours;
    const until = new Date(now.getTime() + hours * 3_600_000).toISOString();
    const current = advice ?? adviseSurge(await this.watchInput());
    const triggers = current.kind === 'propose' ? current.triggers : [];
    const byName = actor === 'automatic' ? AUTOMATIC_NAME : actor.name;
    const reinforcements = await this.dataSource.transaction(async (manager) => {
      const state = await this.lockState(manager);
      if (state.enabled) throw new ConflictError('Le mode afflux est déjà appliqué');
      const chosen = request.reinforcements ?? (await this.defaultReinforcements(manager, current));
      const called: (Reinforcement & { email: string | null })[] = [];
      if (chosen.length > 0) {
        const rows: { id: string; display_name: string; duty_override: DutyOverride; email: string | null }[] = await manager.query(
          `SELECT a.id, a.display_name, a.duty_override, a.email FROM agents a
            WHERE a.id = ANY($1::uuid[]) AND a.active AND a.reserve ORDER BY a.display_name FOR UPDATE`,
          [chosen],
        );
        if (rows.length !== new Set(chosen).size) throw new InvalidInputError('reinforcements: only active reserve agents can be called');
        await manager.query(`UPDATE agents SET duty_override = 'on' WHERE id = ANY($1::uuid[])`, [rows.map((row) => row.id)]);
        for (const row of rows) {
          called.push({ agentId: row.id, displayName: row.display_name, previousOverride: row.duty_override, until, email: row.email });
        }
      }
      const next: SurgeState = {
        enabled: true,
        appliedAt: now.toISOString(),
        appliedBy: { agentId: actor === 'automatic' ? null : actor.agentId, name: byName },
        automatic: actor === 'automatic',
        triggers,
        reinforcements: called.map(({ email: _email, ...reinforcement }) => reinforcement),
        undoneAt: state.undoneAt,
      };
      await this.writeState(manager, next);
      await this.audit.record(
        {
          actorType: actor === 'automatic' ? 'system' : 'agent',
          actorId: actor === 'automatic' ? null : actor.agentId,
          action: actor === 'automatic' ? 'surge.auto-apply' : 'surge.apply',
          subjectType: 'platform',
          subjectId: 'surge',
          details: { triggers, reinforcements: called.map((r) => r.agentId), until: called.length > 0 ? until : null },
        },
        manager,
      );
      return called;
    });
    // Applied and audited: what follows tells people, and a failure there must not hide that it is applied.
    await this.afterCommit('surge reinforcement routing', async () => {
      if (reinforcements.length > 0) await this.notifier.notifyChange(await this.rerouting.sweep('reinforcement'));
    });
    await Promise.all(
      reinforcements.map((reinforcement) => this.afterCommit('surge reinforcement call', () => this.callReinforcement(reinforcement, byName))),
    );
    await this.afterCommit('surge offer to waiting citizens', () => this.tellWaitingCitizens(now));
    return this.publishNow();
  }

  async undo(actor: AgentPrincipal): Promise<SurgeView> {
    const now = this.clock.now();
    await this.dataSource.transaction(async (manager) => {
      const state = await this.lockState(manager);
      if (!state.enabled) throw new ConflictError('Le mode afflux n’est pas appliqué');
      const restored = await this.restoreDuty(manager, state.reinforcements ?? []);
      await this.writeState(manager, { enabled: false, undoneAt: now.toISOString() });
      await this.audit.record(
        {
          actorType: 'agent',
          actorId: actor.agentId,
          action: 'surge.undo',
          subjectType: 'platform',
          subjectId: 'surge',
          details: { appliedAt: state.appliedAt ?? null, automatic: state.automatic ?? false, restored },
        },
        manager,
      );
    });
    // Reinforcements back to the roster: the sweep hands over what they held if they are now off duty.
    await this.afterCommit('surge undo routing', async () => this.notifier.notifyChange(await this.rerouting.sweep('duty-change')));
    return this.publishNow();
  }

  private async afterCommit(what: string, step: () => Promise<unknown>): Promise<void> {
    try {
      await step();
    } catch (error) {
      this.logger.warn({ err: error }, `${what} failed`);
    }
  }

  /** Reinforcements whose hours are over go back to what they were (their roster, usually). */
  private async endExpiredReinforcements(): Promise<void> {
    const now = this.clock.now();
    const ended = await this.dataSource.transaction(async (manager) => {
      const state = await this.lockState(manager);
      const due = (state.reinforcements ?? []).filter((reinforcement) => new Date(reinforcement.until) <= now);
      if (!state.enabled || due.length === 0) return [];
      const restored = await this.restoreDuty(manager, due);
      await this.writeState(manager, { ...state, reinforcements: (state.reinforcements ?? []).filter((r) => !due.includes(r)) });
      await this.audit.record(
        { actorType: 'system', actorId: null, action: 'surge.reinforcements-ended', subjectType: 'platform', subjectId: 'surge', details: { restored } },
        manager,
      );
      return restored;
    });
    if (ended.length > 0) await this.notifier.notifyChange(await this.rerouting.sweep('duty-change'));
  }

  /** Puts back the duty override each reinforcement had, unless someone changed it since surge mode set it. */
  private async restoreDuty(manager: EntityManager, reinforcements: Reinforcement[]): Promise<string[]> {
    const restored: string[] = [];
    for (const reinforcement of reinforcements) {
      const [, affected] = (await manager.query(`UPDATE agents SET duty_override = $2 WHERE id = $1 AND duty_override = 'on'`, [
        reinforcement.agentId,
        reinforcement.previousOverride,
      ])) as [unknown, number];
      if (affected) restored.push(reinforcement.agentId);
    }
    return restored;
  }

  /** The proposal's number of reserve agents, those who are not on duty, in name order. */
  private async defaultReinforcements(manager: EntityManager, advice: SurgeAdvice): Promise<string[]> {
    if (advice.kind !== 'propose' || advice.reinforcements === 0) return [];
    const rows: { id: string }[] = await manager.query(
      `SELECT a.id FROM agents a WHERE a.active AND a.reserve AND NOT ${SCHEDULED_SQL} ORDER BY a.display_name, a.id LIMIT $2`,
      [this.clock.now(), advice.reinforcements],
    );
    return rows.map((row) => row.id);
  }

  /** A desk notification always; an e-mail as well when the agent has an address and SMTP is set up. */
  private async callReinforcement(reinforcement: Reinforcement & { email: string | null }, byName: string): Promise<void> {
    await this.realtime.toAgent(reinforcement.agentId, 'surge:reinforcement', { until: reinforcement.until, byName });
    if (!reinforcement.email || !this.mailer.enabled) return;
    const until = new Intl.DateTimeFormat('fr-FR', {
      timeZone: this.config.routing.rosterTimeZone,
      dateStyle: 'full',
      timeStyle: 'short',
    }).format(new Date(reinforcement.until));
    await this.mailer
      .send({
        to: reinforcement.email,
        subject: 'Renfort : vous êtes mis en service (mode afflux)',
        text:
          `Bonjour ${reinforcement.displayName},\n\nLe mode afflux a été appliqué (${byName}) : vous êtes mis en service ` +
          `jusqu’au ${until}. Connectez-vous au poste et passez-vous disponible pour recevoir des conversations.\n`,
      })
      .catch((error: unknown) => this.logger.warn({ err: error, agentId: reinforcement.agentId }, 'reinforcement mail not sent'));
  }

  /**
   * The citizens already waiting are told once what newcomers are told: the honest wait and the offer to leave a
   * message. One system message each, delivered on their channel like the assistant's replies.
   */
  private async tellWaitingCitizens(appliedAt: Date): Promise<void> {
    const waiting: { id: string; channel: string; language: string }[] = await this.dataSource.query(
      `SELECT id, channel, language FROM conversations WHERE status = 'waiting' ORDER BY priority, waiting_since LIMIT $1`,
      [WAITING_OFFER_LIMIT],
    );
    const key = `surge-${appliedAt.getTime()}`;
    for (const conversation of waiting) {
      const language = citizenLanguageOf(conversation.language);
      const text = `${SURGE_MESSAGE[language]}\n${leaveAMessageOffer(language, this.config.surge.contactUrl)}`;
      const [row] = (await this.dataSource.query(
        `INSERT INTO messages (conversation_id, channel, direction, author_type, text, attachments, client_message_id, delivery_status, created_at)
         VALUES ($1, $2, 'outbound', 'system', $3, '[]'::jsonb, $4, $5, now())
         ON CONFLICT (conversation_id, client_message_id) DO NOTHING
         RETURNING id, created_at`,
        [conversation.id, conversation.channel, text, key, conversation.channel === 'webchat' ? 'sent' : 'queued'],
      )) as Record<string, unknown>[];
      if (!row) continue;
      const message = this.dataSource.getRepository(Message).create({
        id: row.id as string,
        conversationId: conversation.id,
        channel: conversation.channel,
        text,
        createdAt: row.created_at as Date,
      });
      await this.notifier.sendAcknowledgement(message).catch((error: unknown) => this.logger.warn({ err: error }, 'surge offer not delivered'));
    }
  }

  private async publishNow(): Promise<SurgeView> {
    const view = await this.view();
    this.lastPublished = null;
    await this.publishIfChanged(view, true);
    return view;
  }

  /**
   * Pushes the view to supervisors when what they act on changed. Every worker runs the watch: the last pushed
   * state is kept in PostgreSQL, and only the process whose write changed it pushes, so a supervisor gets each
   * change once whatever the number of workers. After an apply or undo the acting process pushes in any case.
   */
  private async publishIfChanged(view: SurgeView, force = false): Promise<void> {
    // Seconds move every round: only what a supervisor acts on decides whether to push.
    const key = JSON.stringify({
      active: view.active,
      applied: view.applied && { at: view.applied.at, reinforcements: view.applied.reinforcements.map((r) => r.agentId) },
      proposal: view.proposal && { triggers: view.proposal.triggers.map((t) => `${t.queue}:${t.measure}`), reinforcements: view.proposal.reinforcements },
      calm: view.calm,
      reserve: view.reserve.map((r) => `${r.agentId}:${r.onDuty}`),
    });
    if (key === this.lastPublished && !force) return;
    this.lastPublished = key;
    const changed: unknown[] = await this.dataSource.query(
      `INSERT INTO platform_settings (key, value, updated_at) VALUES ('surge-published', $1::jsonb, now())
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()
        WHERE platform_settings.value IS DISTINCT FROM EXCLUDED.value
       RETURNING key`,
      [JSON.stringify({ key })],
    );
    if (changed.length === 0 && !force) return;
    await this.realtime.toSupervisors('surge:status', view);
  }

  private toView(state: SurgeState, advice: SurgeAdvice, reserve: SurgeView['reserve']): SurgeView {
    return {
      active: state.enabled,
      autoApply: this.config.surge.autoApply,
      applied:
        state.enabled && state.appliedAt
          ? {
              at: state.appliedAt,
              byName: state.appliedBy?.name ?? '',
              automatic: state.automatic ?? false,
              triggers: state.triggers ?? [],
              reinforcements: (state.reinforcements ?? []).map(({ agentId, displayName, until }) => ({ agentId, displayName, until })),
            }
          : null,
      proposal:
        advice.kind === 'propose'
          ? { triggers: advice.triggers, reinforcements: advice.reinforcements, at: this.clock.now().toISOString() }
          : null,
      calm: advice.kind === 'calm',
      reserve,
      reinforcementHours: this.config.surge.reinforcementHours,
    };
  }

  private async reserveList(): Promise<SurgeView['reserve']> {
    const rows: { id: string; display_name: string; on_duty: boolean; has_email: boolean }[] = await this.dataSource.query(
      `SELECT a.id, a.display_name, ${SCHEDULED_SQL} AS on_duty, a.email IS NOT NULL AS has_email
         FROM agents a WHERE a.active AND a.reserve ORDER BY a.display_name, a.id`,
      [this.clock.now()],
    );
    return rows.map((row) => ({ agentId: row.id, displayName: row.display_name, onDuty: row.on_duty, hasEmail: row.has_email }));
  }

  /** The figures the policy decides from, read in two statements. */
  private async watchInput(): Promise<SurgeWatchInput> {
    const now = this.clock.now();
    const [queues, [totals], state, serviceRate] = await Promise.all([
      this.dataSource.query(
        `SELECT q.key AS queue, q.surge_wait_seconds AS "thresholdSeconds", count(c.id)::int AS waiting,
                COALESCE(floor(extract(epoch FROM ($1::timestamptz - min(c.waiting_since))))::int, 0) AS "longestWaitSeconds"
           FROM queues q LEFT JOIN conversations c ON c.queue = q.key AND c.status = 'waiting'
          WHERE q.active AND q.surge_wait_seconds IS NOT NULL
          GROUP BY q.key, q.surge_wait_seconds ORDER BY q.key`,
        [now],
      ) as Promise<SurgeQueueFigures[]>,
      this.dataSource.query(
        `SELECT (SELECT count(*)::int FROM conversations WHERE status = 'waiting') AS "totalWaiting",
                count(*) FILTER (WHERE a.active AND ${SCHEDULED_SQL})::int AS "agentsOnDuty",
                COALESCE(sum(GREATEST(0, a.capacity - a.open_load)) FILTER (WHERE ${ROUTABLE_SQL}), 0)::int AS "freeSeats",
                COALESCE(avg(a.capacity) FILTER (WHERE a.active AND a.role <> 'admin'), 4)::float8 AS "averageCapacity",
                count(*) FILTER (WHERE a.active AND a.reserve AND NOT ${SCHEDULED_SQL})::int AS "reserveAvailable"
           FROM agents a`,
        [now],
      ) as Promise<Pick<SurgeWatchInput, 'totalWaiting' | 'agentsOnDuty' | 'freeSeats' | 'averageCapacity' | 'reserveAvailable'>[]>,
      this.readState(),
      this.queueStatus.serviceRatePerSecond(now),
    ]);
    return {
      queues,
      ...totals,
      serviceRatePerSecond: serviceRate,
      surgeActive: state.enabled,
      autoApply: this.config.surge.autoApply,
      secondsSinceUndo: state.undoneAt ? Math.max(0, (now.getTime() - new Date(state.undoneAt).getTime()) / 1000) : null,
    };
  }

  private async readState(): Promise<SurgeState> {
    const rows: { value: Partial<SurgeState> }[] = await this.dataSource.query(`SELECT value FROM platform_settings WHERE key = 'surge'`);
    return { ...rows[0]?.value, enabled: rows[0]?.value?.enabled === true };
  }

  /** The surge row, locked: one application or undo at a time across every process. */
  private async lockState(manager: EntityManager): Promise<SurgeState> {
    await manager.query(
      `INSERT INTO platform_settings (key, value, updated_at) VALUES ('surge', '{"enabled": false}'::jsonb, now()) ON CONFLICT (key) DO NOTHING`,
    );
    const [row]: { value: Partial<SurgeState> }[] = await manager.query(`SELECT value FROM platform_settings WHERE key = 'surge' FOR UPDATE`);
    return { ...row?.value, enabled: row?.value?.enabled === true };
  }

  private async writeState(manager: EntityManager, state: SurgeState): Promise<void> {
    await manager.query(`UPDATE platform_settings SET value = $1::jsonb, updated_at = now() WHERE key = 'surge'`, [JSON.stringify(state)]);
  }
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import type { AgentPrincipal } from '@brigade/agents';
import { AuditService } from '@brigade/audit';
import { ReplyToCitizenUseCase } from '@brigade/channels';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { JobProducer, QueueName } from '@brigade/queue';
import { citizenReportNotice } from './citizen-notice';
import { Commune, CommuneCatalogue } from './commune-catalogue';
import { LocalUnit } from './local-unit.entity';
import { ReportDelivery } from './report-delivery.entity';
import { ReportError } from './report-errors';
import { ReportView, toReportView } from './report-views';
import { CoverageMatch, competentUnit } from './unit-routing';
import { REPORT_URGENCIES, ReportContactMeans, ReportPerson, ReportUrgency, UnitReport } from './unit-report.entity';

export const reportDeliveryJobId = (deliveryId: string): string => `report-delivery-${deliveryId}`;

export interface ReportSubmission {
  clientReportId: string;
  nature: string;
  factsAt: Date | null;
  factsPlace: string;
  communeCode: string;
  persons: ReportPerson[];
  summary: string;
  urgency: ReportUrgency;
  consentToContact: boolean;
  contactMeans: ReportContactMeans;
  messageIds: string[];
  /** The gendarme's choice of unit, when not the one the coverage gives (overrideReason then required). */
  unitId?: string;
  overrideReason?: string;
}

export interface UnitChoice {
  unit: LocalUnit | null;
  matchedBy: CoverageMatch | 'fallback' | null;
  commune: Commune;
}

/** What the desk's report form starts from: the lists and what is known of the citizen. */
export interface ReportDraft {
  natures: { key: string; label: string }[];
  urgencies: readonly ReportUrgency[];
  units: { id: string; code: string; name: string }[];
  prefill: { citizenName: string | null; email: string | null; language: string; channel: string };
}

interface ConversationRow {
  id: string;
  assignee_id: string | null;
  status: string;
  channel: string;
  language: string;
  display_name: string | null;
  pseudonym: string | null;
  external_id: string | null;
}

/**
 * Reports (signalements) to the territorial unit competent for the citizen's commune: routed by coverage, overridden
 * by the gendarme with a reason, stored with one delivery per way the unit is reached, delivered by the worker.
 */
@Injectable()
export class ReportsService {
  private readonly logger = new Logger(ReportsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly communes: CommuneCatalogue,
    private readonly jobs: JobProducer,
    private readonly replyToCitizen: ReplyToCitizenUseCase,
  ) {}

  natureLabel(key: string): string {
    return this.config.reports.natures.find((nature) => nature.key === key)?.label ?? key;
  }

  searchCommunes(query: string) {
    return this.communes.search(query, 20);
  }

  /** The unit a report for this commune would go to now, and why. */
  async unitFor(communeCode: string): Promise<UnitChoice> {
    const commune = this.communes.get(communeCode);
    if (!commune) throw new ReportError('invalid', `Commune inconnue (code INSEE ${communeCode})`);
    const units = await this.dataSource.getRepository(LocalUnit).findBy({ active: true });
    const match = competentUnit(commune, units);
    if (match) return { unit: match.unit, matchedBy: match.matchedBy, commune };
    const fallbackCode = this.config.reports.fallbackUnitCode;
    const fallback = fallbackCode ? units.find((unit) => unit.code === fallbackCode) : undefined;
    return fallback ? { unit: fallback, matchedBy: 'fallback', commune } : { unit: null, matchedBy: null, commune };
  }

  async draft(principal: AgentPrincipal, conversationId: string): Promise<ReportDraft> {
    const conversation = await this.readableConversation(principal, conversationId);
    const units = await this.dataSource.getRepository(LocalUnit).find({ where: { active: true }, order: { name: 'ASC' } });
    return {
      natures: this.config.reports.natures,
      urgencies: REPORT_URGENCIES,
      units: units.map((unit) => ({ id: unit.id, code: unit.code, name: unit.name })),
      prefill: {
        citizenName: conversation.display_name,
        email: conversation.channel === 'email' ? conversation.external_id : null,
        language: conversation.language,
        channel: conversation.channel,
      },
    };
  }

  async list(principal: AgentPrincipal, conversationId: string): Promise<ReportView[]> {
    await this.readableConversation(principal, conversationId);
    const reports = await this.dataSource.getRepository(UnitReport).find({ where: { conversationId }, order: { createdAt: 'ASC' } });
    return this.views(reports);
  }

  async submit(principal: AgentPrincipal, conversationId: string, submission: ReportSubmission): Promise<ReportView> {
    const conversation = await this.readableConversation(principal, conversationId);
    const repeated = await this.dataSource
      .getRepository(UnitReport)
      .findOneBy({ conversationId, clientReportId: submission.clientReportId });
    if (repeated) return (await this.views([repeated]))[0];
    if (!this.config.reports.natures.some((nature) => nature.key === submission.nature)) {
      throw new ReportError('invalid', `Nature inconnue : ${submission.nature}`);
    }
    if (!REPORT_URGENCIES.includes(submission.urgency)) throw new ReportError('invalid', `Urgence inconnue : ${submission.urgency}`);
    const choice = await this.unitFor(submission.communeCode);
    const { unit, routing, overrideReason } = await this.chosenUnit(choice, submission);
    const messageIds = [...new Set(submission.messageIds)];
    if (messageIds.length > 0) {
      const found = await this.dataSource.query(
        `SELECT count(*)::int AS n FROM messages WHERE id = ANY($1::uuid[]) AND conversation_id = $2 AND direction <> 'internal'`,
        [messageIds, conversationId],
      );
      if (found[0].n !== messageIds.length) throw new ReportError('invalid', 'Un message joint n’appartient pas à cette conversation');
    }
    const { report, deliveries } = await this.dataSource.transaction(async (manager) => {
      const report = await manager.save(
        UnitReport,
        manager.create(UnitReport, {
          conversationId,
          clientReportId: submission.clientReportId,
          authorAgentId: principal.agentId,
          unitId: unit.id,
          routedUnitId: routing === 'override' ? (choice.unit?.id ?? null) : null,
          routing,
          overrideReason,
          nature: submission.nature,
          factsAt: submission.factsAt,
          factsPlace: submission.factsPlace.trim(),
          communeCode: choice.commune.code,
          communeName: choice.commune.name,
          persons: submission.persons,
          summary: submission.summary.trim(),
          urgency: submission.urgency,
          consentToContact: submission.consentToContact,
          contactMeans: submission.consentToContact ? submission.contactMeans : { phone: null, email: null, preference: '' },
          messageIds,
          status: 'sending',
        }),
      );
      const targets: Pick<ReportDelivery, 'target' | 'address'>[] = [];
      if (unit.email) targets.push({ target: 'email', address: unit.email });
      if (unit.webhookUrl) targets.push({ target: 'webhook', address: unit.webhookUrl });
      const deliveries = await manager.save(
        ReportDelivery,
        targets.map((target) => manager.create(ReportDelivery, { reportId: report.id, ...target, status: 'queued' })),
      );
      await this.audit.record(
        {
          actorType: 'agent',
          actorId: principal.agentId,
          action: 'report.create',
          subjectType: 'conversation',
          subjectId: conversationId,
          details: {
            reportId: report.id,
            unit: unit.code,
            routing,
            routedUnit: choice.unit?.code ?? null,
            overrideReason,
            nature: submission.nature,
            urgency: submission.urgency,
            messages: messageIds.length,
          },
        },
        manager,
      );
      return { report, deliveries };
    });
    for (const delivery of deliveries) await this.enqueue(delivery);
    await this.tellCitizen(principal, conversation, report, unit);
    return (await this.views([report]))[0];
  }

  /** Queues a delivery for the worker, under its deterministic job id (a no-op while that job is still in Redis). */
  async enqueue(delivery: Pick<ReportDelivery, 'id'>): Promise<void> {
    await this.jobs.add(QueueName.ReportDeliveries, { deliveryId: delivery.id }, this.jobOptions(delivery.id));
  }

  /**
   * Redis keeps nothing on disk: deliveries still to do whose job is gone are queued again (the relay of the other
   * queues does the same for messages). Deterministic ids make it a no-op for a job still waiting or delayed.
   */
  async requeueStale(graceMs: number, batch = 500): Promise<number> {
    const stale: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM report_deliveries WHERE status IN ('queued', 'retrying')
          AND updated_at < now() - ($1::int * interval '1 millisecond')
        ORDER BY updated_at LIMIT $2`,
      [graceMs, batch],
    );
    await this.jobs.addBulk(
      QueueName.ReportDeliveries,
      stale.map((row) => ({ data: { deliveryId: row.id }, options: this.jobOptions(row.id) })),
    );
    return stale.length;
  }

  /** An administrator's retry: the failed job BullMQ keeps is removed so that the same id can run again. */
  async enqueueAgain(delivery: Pick<ReportDelivery, 'id'>): Promise<void> {
    await this.jobs.queue(QueueName.ReportDeliveries).remove(reportDeliveryJobId(delivery.id));
    await this.enqueue(delivery);
  }

  private jobOptions(deliveryId: string) {
    return {
      jobId: reportDeliveryJobId(deliveryId),
      attempts: this.config.reports.deliveryAttempts,
      backoff: { type: 'exponential', delay: this.config.reports.retryBaseMs },
    };
  }

  private async chosenUnit(
    choice: UnitChoice,
    submission: ReportSubmission,
  ): Promise<{ unit: LocalUnit; routing: UnitReport['routing']; overrideReason: string | null }> {
    const reason = submission.overrideReason?.trim() ?? '';
    if (submission.unitId && submission.unitId !== choice.unit?.id) {
      if (reason.length < 3) {
        throw new ReportError('invalid', 'Indiquez le motif du choix d’une autre unité que celle de la commune');
      }
      const unit = await this.dataSource.getRepository(LocalUnit).findOneBy({ id: submission.unitId, active: true });
      if (!unit) throw new ReportError('invalid', 'Unité choisie introuvable ou inactive');
      return { unit, routing: 'override', overrideReason: reason };
    }
    if (!choice.unit) {
      throw new ReportError(
        'no-unit',
        `Aucune unité ne couvre la commune ${choice.commune.name} (${choice.commune.code}) et aucune unité par défaut ` +
          'n’est configurée : choisissez une unité et indiquez le motif.',
        { communeCode: choice.commune.code },
      );
    }
    return { unit: choice.unit, routing: choice.matchedBy === 'fallback' ? 'fallback' : 'coverage', overrideReason: null };
  }

  /** The citizen learns which unit follows up, through the conversation's own channel, when the author holds it. */
  private async tellCitizen(principal: AgentPrincipal, conversation: ConversationRow, report: UnitReport, unit: LocalUnit): Promise<void> {
    if (conversation.assignee_id !== principal.agentId || conversation.status !== 'assigned') return;
    const text = citizenReportNotice(conversation.language, unit, report.consentToContact);
    try {
      await this.replyToCitizen.execute(principal, conversation.id, `report-${report.id}`, text);
      report.citizenToldAt = new Date();
      await this.dataSource.getRepository(UnitReport).update(report.id, { citizenToldAt: report.citizenToldAt });
    } catch (error) {
      this.logger.warn({ err: error, reportId: report.id }, 'citizen not told of the report');
    }
  }

  /** Its assignee, a supervisor or an admin may report on a conversation. */
  private async readableConversation(principal: AgentPrincipal, conversationId: string): Promise<ConversationRow> {
    const [row]: ConversationRow[] = await this.dataSource.query(
      `SELECT c.id, c.assignee_id, c.status, c.channel, c.language, k.display_name, k.pseudonym, i.external_id
         FROM conversations c JOIN contacts k ON k.id = c.contact_id JOIN channel_identities i ON i.id = c.identity_id
        WHERE c.id = $1`,
      [conversationId],
    );
    if (!row) throw new ReportError('not-found', 'Conversation introuvable');
    if (principal.role === 'agent' && row.assignee_id !== principal.agentId) {
      throw new ReportError('forbidden', 'Cette conversation ne vous est pas attribuée');
    }
    return row;
  }

  async views(reports: UnitReport[]): Promise<ReportView[]> {
    if (reports.length === 0) return [];
    const ids = reports.map((report) => report.id);
    const [units, deliveries] = await Promise.all([
      this.dataSource.getRepository(LocalUnit).findBy({ id: In([...new Set(reports.map((report) => report.unitId))]) }),
      this.dataSource.getRepository(ReportDelivery).find({ where: { reportId: In(ids) }, order: { createdAt: 'ASC', target: 'ASC' } }),
    ]);
    return reports.map((report) =>
      toReportView(
        report,
        units.find((unit) => unit.id === report.unitId)!,
        deliveries.filter((delivery) => delivery.reportId === report.id),
        this.natureLabel(report.nature),
      ),
    );
  }
}

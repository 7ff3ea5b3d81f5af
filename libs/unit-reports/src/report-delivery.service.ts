import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHmac } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { AgentPrincipal } from '@brigade/agents';
import { AuditService } from '@brigade/audit';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { MailDeliveryError, MailerService } from '@brigade/mail';
import { LocalUnit } from './local-unit.entity';
import { ReportDelivery } from './report-delivery.entity';
import { ReportError } from './report-errors';
import type { FailedDeliveryView } from './report-views';
import { ReportDocument, renderReportPdf } from './report-pdf';
import { ReportsService } from './reports.service';
import { UnitReport } from './unit-report.entity';

/** A delivery attempt failed; permanent when retrying cannot help (refused address, 4xx answer, nowhere to send). */
export class ReportDeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'ReportDeliveryError';
  }
}

const ROUTING_LABELS: Record<UnitReport['routing'], string> = {
  coverage: 'unité compétente pour la commune',
  fallback: 'unité par défaut (aucune unité ne couvre la commune)',
  override: 'unité choisie par le gendarme',
};

const URGENCY_LABELS: Record<UnitReport['urgency'], string> = {
  normale: 'normale',
  prioritaire: 'prioritaire',
  immediate: 'immédiate',
};

/** The body of a signed webhook, as the unit's system verifies it. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Delivers one report delivery: renders the PDF, sends the e-mail or posts the signed webhook, records the outcome.
 * Idempotent: a delivery already sent, delivered or failed is left alone.
 */
@Injectable()
export class ReportDeliveryService {
  private readonly logger = new Logger(ReportDeliveryService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly mailer: MailerService,
    private readonly reports: ReportsService,
  ) {}

  /** lastAttempt: a transient failure now is final (the delivery joins the dead letter list). */
  async deliver(deliveryId: string, lastAttempt: boolean): Promise<ReportDelivery['status'] | 'skipped'> {
    const delivery = await this.dataSource.getRepository(ReportDelivery).findOneBy({ id: deliveryId });
    if (!delivery || !['queued', 'retrying'].includes(delivery.status)) return 'skipped';
    try {
      const document = await this.documentOf(delivery.reportId);
      const pdf = await renderReportPdf(document);
      if (delivery.target === 'email') await this.sendEmail(delivery, document, pdf);
      else await this.postWebhook(delivery, document, pdf);
      const status = delivery.target === 'email' ? 'sent' : 'delivered';
      await this.record(delivery, status, null);
      return status;
    } catch (error) {
      const permanent = error instanceof ReportDeliveryError ? error.permanent : false;
      const reason = (error as Error).message.slice(0, 500);
      await this.record(delivery, permanent || lastAttempt ? 'failed' : 'retrying', reason);
      throw error instanceof ReportDeliveryError ? error : new ReportDeliveryError(reason, false);
    }
  }

  /** The PDF of a report, for the desk: whoever may read its conversation; every read is audited. */
  async pdfFor(principal: AgentPrincipal, reportId: string): Promise<{ filename: string; pdf: Buffer }> {
    const [row] = await this.dataSource.query(
      `SELECT r.conversation_id, c.assignee_id FROM unit_reports r JOIN conversations c ON c.id = r.conversation_id WHERE r.id = $1`,
      [reportId],
    );
    if (!row) throw new ReportError('not-found', 'Signalement introuvable');
    if (principal.role === 'agent' && row.assignee_id !== principal.agentId) {
      throw new ReportError('forbidden', 'Cette conversation ne vous est pas attribuée');
    }
    const pdf = await renderReportPdf(await this.documentOf(reportId));
    await this.audit.record({
      actorType: 'agent',
      actorId: principal.agentId,
      action: 'report.read-pdf',
      subjectType: 'conversation',
      subjectId: row.conversation_id,
      details: { reportId },
    });
    return { filename: `signalement-${reportId.slice(0, 8)}.pdf`, pdf };
  }

  /** Dead letter list: deliveries that failed for good, newest first (no citizen content). */
  async failedDeliveries(): Promise<FailedDeliveryView[]> {
    return this.dataSource.query(
      `SELECT d.id, d.report_id AS "reportId", d.target, d.address, d.attempts, d.last_error AS "lastError",
              d.updated_at AS "failedAt", u.code AS "unitCode", u.name AS "unitName", r.conversation_id AS "conversationId"
         FROM report_deliveries d JOIN unit_reports r ON r.id = d.report_id JOIN local_units u ON u.id = r.unit_id
        WHERE d.status = 'failed' ORDER BY d.updated_at DESC LIMIT 500`,
    );
  }

  /** An administrator sends a failed delivery again (after fixing the unit's address, say). */
  async retry(actor: AgentPrincipal, deliveryId: string): Promise<ReportDelivery> {
    const delivery = await this.dataSource.getRepository(ReportDelivery).findOneBy({ id: deliveryId });
    if (!delivery) throw new ReportError('not-found', 'Envoi introuvable');
    if (delivery.status !== 'failed') throw new ReportError('conflict', 'Seul un envoi en échec peut être relancé');
    const [report] = await this.dataSource.query(`SELECT unit_id FROM unit_reports WHERE id = $1`, [delivery.reportId]);
    const unit = await this.dataSource.getRepository(LocalUnit).findOneByOrFail({ id: report.unit_id });
    const address = delivery.target === 'email' ? unit.email : unit.webhookUrl;
    if (!address) throw new ReportError('conflict', 'L’unité n’a plus d’adresse pour ce mode d’envoi');
    Object.assign(delivery, { status: 'queued', address, lastError: null });
    await this.dataSource.getRepository(ReportDelivery).save(delivery);
    await this.dataSource.query(`UPDATE unit_reports SET status = 'sending' WHERE id = $1`, [delivery.reportId]);
    await this.audit.record({
      actorType: 'agent',
      actorId: actor.agentId,
      action: 'report.delivery.retry',
      subjectType: 'report',
      subjectId: delivery.reportId,
      details: { deliveryId, target: delivery.target },
    });
    await this.reports.enqueueAgain(delivery);
    return delivery;
  }

  private async sendEmail(delivery: ReportDelivery, document: ReportDocument, pdf: Buffer): Promise<void> {
    const subject = `[Signalement ${document.urgency}] ${document.nature} – ${document.commune}`;
    const text = [
      `Signalement ${document.reference} transmis par la Brigade numérique.`,
      `Unité destinataire : ${document.unit.name} (${document.routing}).`,
      `Nature : ${document.nature}. Urgence : ${document.urgency}. Commune : ${document.commune}.`,
      document.consentToContact
        ? 'La personne accepte d’être recontactée : modalités dans le document joint.'
        : 'La personne n’a pas donné son accord pour être recontactée.',
      '',
      'Le détail figure dans le PDF joint (données personnelles : diffusion restreinte).',
    ].join('\n');
    try {
      await this.mailer.send({
        to: delivery.address,
        subject,
        text,
        // The same Message-ID on every attempt: a unit's mail system sees a resent report as the same message.
        messageId: `<report-${delivery.id}@${this.mailer.senderDomain}>`,
        headers: { 'X-Brigade-Report': document.reference },
        attachments: [{ filename: `signalement-${document.reference}.pdf`, content: pdf, contentType: 'application/pdf' }],
      });
    } catch (error) {
      if (error instanceof MailDeliveryError) throw new ReportDeliveryError(error.message, error.permanent);
      throw error;
    }
  }

  private async postWebhook(delivery: ReportDelivery, document: ReportDocument, pdf: Buffer): Promise<void> {
    const secret = this.config.reports.webhookSecret;
    if (!secret) throw new ReportDeliveryError('REPORT_WEBHOOK_SECRET n’est pas configuré : webhook non signé refusé', true);
    const body = JSON.stringify({
      type: 'report',
      deliveryId: delivery.id,
      report: { ...document, pdf: undefined },
      pdf: { filename: `signalement-${document.reference}.pdf`, contentType: 'application/pdf', base64: pdf.toString('base64') },
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    let response: Response;
    try {
      response = await fetch(delivery.address, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-brigade-delivery': delivery.id,
          'x-brigade-timestamp': timestamp,
          'x-brigade-signature': webhookSignature(secret, timestamp, body),
        },
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(this.config.reports.webhookTimeoutMs),
      });
    } catch (error) {
      throw new ReportDeliveryError(`Webhook injoignable : ${(error as Error).message}`, false);
    }
    await response.body?.cancel().catch(() => undefined);
    if (response.ok) return;
    // A refusal (4xx) will not change on a retry, except a timeout or a rate limit.
    const permanent = response.status >= 400 && response.status < 500 && ![408, 425, 429].includes(response.status);
    throw new ReportDeliveryError(`Webhook : réponse HTTP ${response.status}`, permanent);
  }

  private async record(delivery: ReportDelivery, status: ReportDelivery['status'], error: string | null): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `UPDATE report_deliveries SET status = $2, attempts = attempts + 1, last_error = $3, updated_at = now(),
                delivered_at = CASE WHEN $2 IN ('sent', 'delivered') THEN now() ELSE delivered_at END
          WHERE id = $1`,
        [delivery.id, status, error],
      );
      await manager.query(
        `UPDATE unit_reports r SET status = CASE
             WHEN EXISTS (SELECT 1 FROM report_deliveries d WHERE d.report_id = r.id AND d.status = 'failed') THEN 'failed'
             WHEN NOT EXISTS (SELECT 1 FROM report_deliveries d WHERE d.report_id = r.id AND d.status NOT IN ('sent', 'delivered'))
               THEN 'delivered'
             ELSE 'sending' END
          WHERE r.id = $1`,
        [delivery.reportId],
      );
      if (status !== 'retrying') {
        await this.audit.record(
          {
            actorType: 'system',
            actorId: null,
            action: status === 'failed' ? 'report.delivery.failed' : 'report.delivery.done',
            subjectType: 'report',
            subjectId: delivery.reportId,
            details: { deliveryId: delivery.id, target: delivery.target, status, error },
          },
          manager,
        );
      }
    });
    if (status === 'failed') this.logger.warn({ deliveryId: delivery.id, error }, 'report delivery failed for good');
  }

  /** Everything the PDF shows, read now (the report, its unit, the citizen, the joined messages). */
  async documentOf(reportId: string): Promise<ReportDocument> {
    const report = await this.dataSource.getRepository(UnitReport).findOneBy({ id: reportId });
    if (!report) throw new ReportDeliveryError('Signalement supprimé (effacement ou conservation échue)', true);
    const unit = await this.dataSource.getRepository(LocalUnit).findOneByOrFail({ id: report.unitId });
    const [context] = await this.dataSource.query(
      `SELECT c.channel, c.language, c.sensitive, k.display_name, k.pseudonym, a.display_name AS author
         FROM conversations c JOIN contacts k ON k.id = c.contact_id LEFT JOIN agents a ON a.id = $2
        WHERE c.id = $1`,
      [report.conversationId, report.authorAgentId],
    );
    const messages: { created_at: Date; author_type: string; text: string; attachments: { name?: string; url: string }[] }[] =
      report.messageIds.length === 0
        ? []
        : await this.dataSource.query(
            `SELECT created_at, author_type, text, attachments FROM messages
              WHERE id = ANY($1::uuid[]) AND conversation_id = $2 ORDER BY created_at, id`,
            [report.messageIds, report.conversationId],
          );
    const authors: Record<string, string> = { citizen: 'Personne', agent: 'Gendarme', system: 'Système' };
    return {
      reference: report.id.slice(0, 8).toUpperCase(),
      createdAt: report.createdAt,
      author: context?.author ?? 'Brigade numérique',
      unit: { name: unit.name, code: unit.code, phone: unit.phone, address: unit.address },
      routing: ROUTING_LABELS[report.routing],
      overrideReason: report.overrideReason,
      nature: this.reports.natureLabel(report.nature),
      urgency: URGENCY_LABELS[report.urgency] ?? report.urgency,
      factsAt: report.factsAt,
      factsPlace: report.factsPlace,
      commune: `${report.communeName} (${report.communeCode})`,
      persons: report.persons,
      summary: report.summary,
      consentToContact: report.consentToContact,
      contactMeans: report.contactMeans,
      citizen: {
        name: (context?.sensitive ? context?.pseudonym : context?.display_name) ?? context?.pseudonym ?? 'inconnue',
        channel: context?.channel ?? '',
        language: context?.language ?? 'fr',
      },
      messages: messages.map((message) => ({
        at: new Date(message.created_at),
        author: authors[message.author_type] ?? message.author_type,
        text: message.text,
        attachments: (message.attachments ?? []).map((attachment) => attachment.name ?? attachment.url),
      })),
    };
  }
}

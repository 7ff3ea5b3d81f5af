import type { LocalUnit } from './local-unit.entity';
import type { ReportDelivery } from './report-delivery.entity';
import type { UnitReport } from './unit-report.entity';

export interface ReportDeliveryView {
  id: string;
  target: ReportDelivery['target'];
  address: string;
  status: ReportDelivery['status'];
  attempts: number;
  lastError: string | null;
  deliveredAt: string | null;
}

/** A delivery that failed for good, in the administrators' dead letter list (no citizen content). */
export interface FailedDeliveryView {
  id: string;
  reportId: string;
  target: ReportDelivery['target'];
  address: string;
  attempts: number;
  lastError: string | null;
  failedAt: Date;
  unitCode: string;
  unitName: string;
  conversationId: string;
}

/** A report as the desk shows it beside the conversation. */
export interface ReportView {
  id: string;
  conversationId: string;
  status: UnitReport['status'];
  unit: { id: string; code: string; name: string; phone: string };
  routing: UnitReport['routing'];
  overrideReason: string | null;
  nature: string;
  natureLabel: string;
  urgency: UnitReport['urgency'];
  communeCode: string;
  communeName: string;
  createdAt: string;
  citizenToldAt: string | null;
  deliveries: ReportDeliveryView[];
}

export function toDeliveryView(delivery: ReportDelivery): ReportDeliveryView {
  return {
    id: delivery.id,
    target: delivery.target,
    address: delivery.address,
    status: delivery.status,
    attempts: delivery.attempts,
    lastError: delivery.lastError,
    deliveredAt: delivery.deliveredAt ? delivery.deliveredAt.toISOString() : null,
  };
}

export function toReportView(report: UnitReport, unit: LocalUnit, deliveries: ReportDelivery[], natureLabel: string): ReportView {
  return {
    id: report.id,
    conversationId: report.conversationId,
    status: report.status,
    unit: { id: unit.id, code: unit.code, name: unit.name, phone: unit.phone },
    routing: report.routing,
    overrideReason: report.overrideReason,
    nature: report.nature,
    natureLabel,
    urgency: report.urgency,
    communeCode: report.communeCode,
    communeName: report.communeName,
    createdAt: report.createdAt.toISOString(),
    citizenToldAt: report.citizenToldAt ? report.citizenToldAt.toISOString() : null,
    deliveries: deliveries.map(toDeliveryView),
  };
}

import type { JobsOptions } from 'bullmq';
import type { CorrelatedJobData } from './correlation';

/** Never rename a queue without draining it first: names are stored in Redis with their jobs. */
export enum QueueName {
  /** Inbound messages from every channel, one job per inbox entry. */
  Inbound = 'inbound',
  /** Agent replies on their way to the citizen's channel. */
  Outbound = 'outbound',
  /** Routing triggers (agent became available, capacity freed). */
  Routing = 'routing',
  /** Events for connected browsers, emitted by whichever API process takes the job. */
  Realtime = 'realtime',
  /** Typing and seen notices to a channel (Messenger): best effort, dropped when stale, never a reply. */
  SenderActions = 'sender-actions',
  /** A report's delivery to its territorial unit (e-mail or signed webhook), one job per delivery row. */
  ReportDeliveries = 'report-deliveries',
}

export type SenderActionName = 'typing_on' | 'typing_off' | 'mark_seen';

export interface JobPayloads {
  [QueueName.Inbound]: { inboxEntryId: string } & CorrelatedJobData;
  [QueueName.Outbound]: { messageId: string } & CorrelatedJobData;
  [QueueName.Routing]: { reason: string } & CorrelatedJobData;
  [QueueName.Realtime]: { namespace: 'desk' | 'webchat'; room: string; event: string; payload: unknown } & CorrelatedJobData;
  /** requestedAt: epoch ms when the desk asked; a notice that waited too long is dropped, not sent late. */
  [QueueName.SenderActions]: { conversationId: string; action: SenderActionName; requestedAt: number } & CorrelatedJobData;
  [QueueName.ReportDeliveries]: { deliveryId: string } & CorrelatedJobData;
}

export const JOB_NAMES: { [Q in QueueName]: string } = {
  [QueueName.Inbound]: 'ingest-message',
  [QueueName.Outbound]: 'deliver-message',
  [QueueName.Routing]: 'drain-queue',
  [QueueName.Realtime]: 'emit',
  [QueueName.SenderActions]: 'send-sender-action',
  [QueueName.ReportDeliveries]: 'deliver-report',
};

/** Job defaults, in one place. Completed jobs are removed: PostgreSQL, not Redis, is the record. */
export const JOB_DEFAULTS: { [Q in QueueName]: JobsOptions } = {
  [QueueName.Inbound]: {
    attempts: 10,
    backoff: { type: 'exponential', delay: 200 },
    removeOnComplete: true,
    removeOnFail: 1000,
  },
  [QueueName.Outbound]: {
    attempts: 8,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: true,
    removeOnFail: 1000,
  },
  [QueueName.Routing]: { attempts: 3, backoff: { type: 'fixed', delay: 500 }, removeOnComplete: true, removeOnFail: 100 },
  [QueueName.Realtime]: { attempts: 3, backoff: { type: 'fixed', delay: 100 }, removeOnComplete: true, removeOnFail: 100 },
  // One quick retry at most: "typing" or "seen" sent late is worse than not sent.
  [QueueName.SenderActions]: { attempts: 2, backoff: { type: 'fixed', delay: 500 }, removeOnComplete: true, removeOnFail: 100 },
  // Attempts and backoff come from REPORT_DELIVERY_ATTEMPTS / REPORT_RETRY_BASE_MS (see ReportsService.enqueue).
  [QueueName.ReportDeliveries]: {
    attempts: 8,
    backoff: { type: 'exponential', delay: 30_000 },
    removeOnComplete: true,
    removeOnFail: 1000,
  },
};

/**
 * Worker settings shared by every processor. A job whose worker died (kill -9) is taken back once its lock expires:
 * a short lock, renewed every half, brings it back within seconds instead of the default minute. Handlers are
 * idempotent, so a job taken back while its first run was merely slow does no harm.
 */
export const WORKER_OPTIONS = { lockDuration: 10_000, stalledInterval: 5_000, maxStalledCount: 5 } as const;

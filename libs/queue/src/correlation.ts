import { Logger } from '@nestjs/common';
import { DelayedError, RateLimitError, UnrecoverableError, WaitingChildrenError, WaitingError } from 'bullmq';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * The correlation id of the work in progress: the HTTP request id of a webhook or REST call, a fresh id for a socket
 * event, carried in every job's data so that the worker (and the outbound send after it) log under the same id.
 * One id follows a citizen's message from the webhook to the agent's desk, and an agent's reply from the desk event
 * to the channel's API.
 */
const storage = new AsyncLocalStorage<string>();

/** Longest id accepted from a caller (an `x-request-id` header): anything else is replaced. */
const MAX_CORRELATION_ID_LENGTH = 128;
const ACCEPTABLE_ID = /^[\w.:@/-]+$/;

export const correlation = {
  current(): string | undefined {
    return storage.getStore();
  },
  run<T>(id: string | undefined, work: () => T): T {
    return storage.run(correlation.accept(id), work);
  },
  /** A caller's id when it is short and plain (it ends up in logs), else a new one. */
  accept(id: unknown): string {
    return typeof id === 'string' && id.length <= MAX_CORRELATION_ID_LENGTH && ACCEPTABLE_ID.test(id) ? id : randomUUID();
  },
};

/** What every job's data may carry besides its payload. */
export interface CorrelatedJobData {
  correlationId?: string;
}

/** What a job-failure log line needs to know of the job (BullMQ's Job has all of it). */
export interface CorrelatedJob {
  id?: string;
  name?: string;
  queueName?: string;
  attemptsMade?: number;
  opts?: { attempts?: number };
  data: CorrelatedJobData;
}

const jobLogger = new Logger('Job');

/**
 * Runs a job's handler under the correlation id its producer attached (or the job's own id for an old job).
 * A failed attempt is logged here, once, with its error and stack: the processors log their domain outcome without
 * the error, so that one failure is one line whatever the queue. Ids only: job data may carry citizen text.
 */
export async function withJobCorrelation<T>(job: CorrelatedJob, work: () => Promise<T>): Promise<T> {
  return correlation.run(job.data.correlationId ?? (job.id ? `job-${job.id}` : undefined), async () => {
    try {
      return await work();
    } catch (error) {
      // Parked, rate-limited or waiting: not a failure, BullMQ runs the job again.
      const parked = [DelayedError, RateLimitError, WaitingError, WaitingChildrenError].some((kind) => error instanceof kind);
      if (parked) throw error;
      const attempt = (job.attemptsMade ?? 0) + 1;
      const attempts = job.opts?.attempts ?? 1;
      const final = error instanceof UnrecoverableError || attempt >= attempts;
      const line = { err: error, jobId: job.id, jobName: job.name, queue: job.queueName, attempt, attempts, final };
      if (final) jobLogger.error(line, 'job failed');
      else jobLogger.warn(line, 'job attempt failed, will be retried');
      throw error;
    }
  });
}

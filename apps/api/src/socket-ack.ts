import { HttpException, Logger } from '@nestjs/common';
import type { ZodType } from 'zod';
import { DomainError } from '@brigade/errors';
import { toHttpException } from './domain-error.filter';
import { MAX_JSON_DEPTH, repairJson } from './json-body-guard';
import { socketEventContext } from './socket-event-context';

const logger = new Logger('SocketEvent');

export type AckFailure = { ok: false; error: string; status: number };
export type AckResult<T> = { ok: true; data: T } | AckFailure;

/** Runs a socket handler and turns its outcome into the acknowledgement shape of the contract, never a stack trace. */
export async function acknowledge<T>(work: () => Promise<T>): Promise<AckResult<T>> {
  try {
    return { ok: true, data: await work() };
  } catch (thrown) {
    // A domain error answers with the status and message its HTTP answer would carry.
    const error = thrown instanceof DomainError ? toHttpException(thrown) : thrown;
    if (error instanceof HttpException) {
      const response = error.getResponse();
      const message =
        typeof response === 'object' && response && 'message' in response
          ? String((response as { message: unknown }).message)
          : error.message;
      return { ok: false, error: message, status: error.getStatus() };
    }
    // Logged once, with the event, its agent and its correlation id (the logger's mixin adds it, see
    // CorrelationInterceptor); the client only learns it failed.
    logger.error({ err: error, ...socketEventContext.current() }, 'socket event failed');
    return { ok: false, error: 'Erreur interne', status: 500 };
  }
}

/** Validates a socket payload; a bad one is refused with a 400-style acknowledgement naming the fields. */
export function parsePayload<T>(schema: ZodType<T>, payload: unknown): { ok: true; value: T } | AckFailure {
  // The same repair and depth limit as HTTP bodies: strings made storable, deep nesting refused.
  const repaired = repairJson(payload);
  if (!repaired.ok) return { ok: false, error: `payload: nested deeper than ${MAX_JSON_DEPTH} levels`, status: 400 };
  const parsed = schema.safeParse(repaired.value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const error = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'payload'}: ${issue.message}`).join('; ');
  return { ok: false, error, status: 400 };
}

import {
  ArgumentsHost,
  BadRequestException,
  Catch,
  ConflictException,
  ForbiddenException,
  HttpException,
  HttpStatus,
  NotFoundException,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { DomainError, DomainErrorKind } from '@brigade/errors';

type Body = string | string[] | Record<string, unknown>;

/**
 * The HTTP answer of each kind of domain error. The bodies are Nest's own (`{ statusCode, message, error }`), as the
 * web apps and the API's clients read them; a refusal with details answers `{ statusCode, message, ...details }`.
 */
const TO_HTTP: Record<DomainErrorKind, (body: Body) => HttpException> = {
  'invalid-input': (body) => new BadRequestException(body),
  unauthenticated: (body) => new UnauthorizedException(body),
  forbidden: (body) => new ForbiddenException(body),
  'not-found': (body) => new NotFoundException(body),
  conflict: (body) => new ConflictException(body),
  locked: (body) => new HttpException(body, HttpStatus.LOCKED),
  'rate-limited': (body) => new HttpException(body, HttpStatus.TOO_MANY_REQUESTS),
  unavailable: (body) => new ServiceUnavailableException(body),
};

/** The HTTP exception that answers a domain error: used by the REST filter and by the socket acknowledgements. */
export function toHttpException(error: DomainError): HttpException {
  const toHttp = TO_HTTP[error.kind];
  // No `cause` option: Nest would then leave the `error` field out of the body.
  if (!error.details) return toHttp(error.reason);
  const status = toHttp('').getStatus();
  return toHttp({ statusCode: status, message: error.reason, ...error.details });
}

/** An error that already says which 4xx it is (body-parser's, for instance): Nest answers it as it is. */
function isClientHttpError(error: unknown): boolean {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/**
 * The REST edge: domain errors become their HTTP answers, Nest's own exceptions go to Nest. Anything else is a
 * fault: answered 500 with the request id (what a caller quotes to the operator), and logged once, with its stack,
 * on pino-http's line for the request (`res.err`), which carries the request id and the route. Nest's own
 * "ExceptionsHandler" line is not written, so that one fault is one log line.
 */
@Catch()
export class DomainErrorFilter extends BaseExceptionFilter {
  override catch(error: unknown, host: ArgumentsHost): void {
    if (error instanceof DomainError) return super.catch(toHttpException(error), host);
    if (host.getType() !== 'http' || error instanceof HttpException || isClientHttpError(error)) return super.catch(error, host);
    const http = host.switchToHttp();
    const request = http.getRequest<{ id?: unknown }>();
    const response = http.getResponse<{ err?: unknown; headersSent?: boolean }>();
    const adapter = this.httpAdapterHost?.httpAdapter ?? this.applicationRef;
    if (!adapter) return super.catch(error, host);
    response.err = error instanceof Error ? error : new Error(String(error));
    // Too late to answer: the fault is still logged, on the request's line when the answer ends.
    if (response.headersSent) return;
    const status = HttpStatus.INTERNAL_SERVER_ERROR;
    adapter.reply(response, { statusCode: status, message: 'Internal server error', requestId: request.id }, status);
  }
}

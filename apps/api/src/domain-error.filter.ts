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

/** Turns the domain errors the libs throw into HTTP answers, at the edge; everything else goes to Nest as before. */
@Catch(DomainError)
export class DomainErrorFilter extends BaseExceptionFilter {
  override catch(error: DomainError, host: ArgumentsHost): void {
    super.catch(toHttpException(error), host);
  }
}

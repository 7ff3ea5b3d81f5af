/**
 * The errors the domain libs throw when a rule refuses a request. They say what went wrong in the domain's words;
 * the edges turn them into an answer: the API's exception filter into an HTTP status and JSON body, the socket
 * gateways into an acknowledgement (apps/api/src/domain-error-mapping.ts). Libs never throw HTTP exceptions.
 */

/** What kind of refusal: one per answer the edges can give. */
export type DomainErrorKind =
  | 'invalid-input'
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'locked'
  | 'rate-limited'
  | 'unavailable';

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;

  /**
   * @param reason  one sentence for the person who asked (French on the desk), or one per problem found
   * @param details more of the refusal for the client to show (e.g. a file import's report of every line)
   */
  constructor(
    readonly reason: string | string[],
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(Array.isArray(reason) ? reason.join('; ') : reason);
    this.name = new.target.name;
  }
}

/** The request breaks a rule of the input (a field, a file, a date): nothing was changed. */
export class InvalidInputError extends DomainError {
  readonly kind = 'invalid-input';
}

/** The caller is not signed in, or their credentials or session are not valid. */
export class UnauthenticatedError extends DomainError {
  readonly kind = 'unauthenticated';
}

/** The caller is known but may not do this (e.g. a conversation not assigned to them). */
export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden';
}

/** What the request names does not exist (or not any more). */
export class NotFoundError extends DomainError {
  readonly kind = 'not-found';
}

/** The request contradicts the current state (a duplicate, something already done by someone else). */
export class ConflictError extends DomainError {
  readonly kind = 'conflict';
}

/** The thing is locked for a while (e.g. an account after repeated failed sign-ins). */
export class LockedError extends DomainError {
  readonly kind = 'locked';
}

/** Too many attempts in a short time: the caller must wait before trying again. */
export class RateLimitedError extends DomainError {
  readonly kind = 'rate-limited';
}

/** The feature is switched off or a service it needs is not available now. */
export class UnavailableError extends DomainError {
  readonly kind = 'unavailable';
}

/** A refusal of the reports domain; the API maps its kind to an HTTP status (libs stay free of the HTTP layer). */
export type ReportErrorKind = 'not-found' | 'forbidden' | 'invalid' | 'conflict' | 'no-unit';

export class ReportError extends Error {
  constructor(
    readonly kind: ReportErrorKind,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ReportError';
  }
}

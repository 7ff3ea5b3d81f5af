import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus } from '@nestjs/common';
import { ReportError, ReportErrorKind } from '@brigade/unit-reports';

const STATUS: Record<ReportErrorKind, number> = {
  'not-found': HttpStatus.NOT_FOUND,
  forbidden: HttpStatus.FORBIDDEN,
  invalid: HttpStatus.BAD_REQUEST,
  conflict: HttpStatus.CONFLICT,
  'no-unit': HttpStatus.UNPROCESSABLE_ENTITY,
};

/** What an Express response offers that this filter uses. */
interface JsonResponse {
  status(code: number): { json(body: unknown): void };
}

/** Maps the reports domain's refusals to HTTP answers, in the shape of Nest's own errors. */
@Catch(ReportError)
export class ReportErrorFilter implements ExceptionFilter {
  catch(error: ReportError, host: ArgumentsHost): void {
    const statusCode = STATUS[error.kind];
    host
      .switchToHttp()
      .getResponse<JsonResponse>()
      .status(statusCode)
      .json({ statusCode, error: error.kind, message: error.message, ...error.details });
  }
}

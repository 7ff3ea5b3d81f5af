import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus } from '@nestjs/common';
import { KnowledgeConflictError, KnowledgeForbiddenError, KnowledgeNotFoundError, KnowledgeValidationError } from '@brigade/knowledge-base';

/** The knowledge base's domain errors as HTTP answers (the domain does not speak HTTP). */
@Catch(KnowledgeNotFoundError, KnowledgeConflictError, KnowledgeValidationError, KnowledgeForbiddenError)
export class KnowledgeErrorsFilter implements ExceptionFilter {
  catch(error: Error, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<{ status(code: number): { json(body: unknown): void } }>();
    const status =
      error instanceof KnowledgeNotFoundError
        ? HttpStatus.NOT_FOUND
        : error instanceof KnowledgeConflictError
          ? HttpStatus.CONFLICT
          : error instanceof KnowledgeForbiddenError
            ? HttpStatus.FORBIDDEN
            : HttpStatus.BAD_REQUEST;
    const message = error instanceof KnowledgeValidationError ? error.problems : error.message;
    response.status(status).json({ statusCode: status, message });
  }
}

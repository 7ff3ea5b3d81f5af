import { applyDecorators } from '@nestjs/common';
import { ApiFoundResponse, ApiOkResponse, ApiProduces } from '@nestjs/swagger';

/**
 * How a route whose answer is not a JSON body describes it in the API document. A JSON answer needs no decorator: its
 * schema is generated from the controller method's return type (scripts/generate-response-schemas.ts), and a route
 * with `@HttpCode(204)` answers nothing. Every other route takes exactly one of these.
 */

/** A file download (CSV, PDF, Markdown): its media types, each with a binary body. */
export function FileAnswer(mediaTypes: string | string[], description: string): MethodDecorator {
  const types = Array.isArray(mediaTypes) ? mediaTypes : [mediaTypes];
  return applyDecorators(
    ApiProduces(...types),
    ApiOkResponse({
      description,
      content: Object.fromEntries(types.map((type) => [type, { schema: { type: 'string', format: 'binary' } }])),
    }),
  );
}

/** A plain-text answer (a webhook challenge, Prometheus metrics). */
export function TextAnswer(mediaType: string, description: string): MethodDecorator {
  return applyDecorators(
    ApiProduces(mediaType),
    ApiOkResponse({ description, content: { [mediaType]: { schema: { type: 'string' } } } }),
  );
}

/** A browser navigation answered by a redirect (single sign-on). */
export function RedirectAnswer(description: string): MethodDecorator {
  return ApiFoundResponse({ description, headers: { Location: { description: 'Where the browser goes next', schema: { type: 'string' } } } });
}

/** A 200 with an empty body, for a caller that requires 200 (Bot Connector). */
export function EmptyAnswer(description: string): MethodDecorator {
  return ApiOkResponse({ description });
}

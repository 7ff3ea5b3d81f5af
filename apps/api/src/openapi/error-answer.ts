import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

/**
 * The body of every refusal, whichever filter answers it: Nest's `{ statusCode, message, error }` (domain-error.filter.ts
 * maps each DomainError kind to its status), the validation pipe's French sentence and fields (validation-messages.ts),
 * a sign-in step's `reason` (sign-in-error.filter.ts), and a domain error's details spread beside `message` (e.g. a
 * file import's report): those stay open (additionalProperties). The request id is the `x-request-id` header.
 */
export const ERROR_ANSWER_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['statusCode', 'message'],
  properties: {
    statusCode: { type: 'integer', minimum: 400, maximum: 599 },
    message: {
      description: 'One sentence, or one per problem found (class-validator\'s list for an invalid body)',
      oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    },
    error: { type: 'string', description: 'The status text, e.g. "Bad Request"' },
    messageFr: { type: 'string', description: 'An invalid body: one French sentence naming the fields, shown by the screens' },
    fields: {
      type: 'array',
      description: 'An invalid body: each field refused',
      items: {
        type: 'object',
        required: ['field', 'message', 'detail'],
        additionalProperties: false,
        properties: {
          field: { type: 'string', description: 'Its path, e.g. "agents.0.login"' },
          message: { type: 'string', description: 'In French' },
          detail: { type: 'string', description: 'The validation rule\'s own message' },
        },
      },
    },
    reason: { type: 'string', description: 'A refused sign-in step: its reason code (e.g. "code-invalid", "sso-refused")' },
  },
  additionalProperties: true,
};

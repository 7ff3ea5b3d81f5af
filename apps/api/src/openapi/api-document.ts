import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { OperationObject, ResponseObject, SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- class-transformer types its storage only under types/
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as { defaultMetadataStorage: MetadataStorage };
import type { MetadataStorage } from 'class-transformer/types/MetadataStorage';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { z } from 'zod';
import { botFrameworkActivitySchema } from '@brigade/channels';
import { ERROR_ANSWER_SCHEMA } from './error-answer';
import generatedAnswers from './response-schemas.generated.json';
import { WEBHOOK_BODY_SCHEMAS, WEBHOOK_COMPONENT_SCHEMAS } from './webhook-body-schemas';

/**
 * The OpenAPI description of every REST route, at /api/docs (UI) and /api/docs-json (document).
 *
 * One source of truth: request bodies are the class-validator classes the ValidationPipe enforces, turned into JSON
 * Schema (class-validator-jsonschema); the Bot Framework webhook's body is the zod schema its parser uses. Answers are
 * the TypeScript return types of the controller methods, turned into JSON Schema by `npm run openapi:generate`
 * (response-schemas.generated.json, checked up to date by `npm run openapi:check`); routes that answer a file, a text,
 * a redirect or nothing say so with one decorator (answer.decorators.ts). Every error answers ErrorAnswer.
 */
export function buildApiDocument(app: NestExpressApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Brigade API')
      .setDescription(
        'REST API of the agent desk, supervisor console and administration, and the channels\' webhooks. ' +
          'Socket.io events: docs/realtime.md.',
      )
      .addBearerAuth()
      .addSecurityRequirements('bearer')
      .build(),
  );
  fillRequestBodySchemas(document);
  describeWebhookBodies(document);
  describeAnswers(document);
  return document;
}

export function publishApiDocument(app: NestExpressApplication): void {
  SwaggerModule.setup('api/docs', app, buildApiDocument(app), { jsonDocumentUrl: 'api/docs-json' });
}

/** Swagger names a body after its class but, without its own decorators, leaves it empty: the validation rules fill it. */
function fillRequestBodySchemas(document: OpenAPIObject): void {
  const fromValidation = validationMetadatasToSchemas({
    refPointerPrefix: '#/components/schemas/',
    classTransformerMetadataStorage: defaultMetadataStorage,
  }) as Record<string, SchemaObject>;
  const schemas = (document.components ??= {}).schemas ??= {};
  for (const name of Object.keys(schemas)) {
    const derived = fromValidation[name];
    if (derived) schemas[name] = derived;
  }
  // Nested classes (a pattern's slots) are referenced from their parent: add them too.
  for (const [name, schema] of Object.entries(fromValidation)) {
    if (!(name in schemas) && JSON.stringify(document).includes(`"#/components/schemas/${name}"`)) schemas[name] = schema;
  }
  for (let added = true; added; ) {
    added = false;
    const text = JSON.stringify(schemas);
    for (const [name, schema] of Object.entries(fromValidation)) {
      if (!(name in schemas) && text.includes(`"#/components/schemas/${name}"`)) {
        schemas[name] = schema;
        added = true;
      }
    }
  }
}

/** Webhook bodies are read raw (their signature covers the exact bytes), so Swagger sees no body parameter. */
function describeWebhookBodies(document: OpenAPIObject): void {
  const bodies: Record<string, SchemaObject> = {
    ...WEBHOOK_BODY_SCHEMAS,
    '/webhooks/botframework': z.toJSONSchema(botFrameworkActivitySchema, { target: 'openapi-3.0', io: 'input' }) as SchemaObject,
  };
  Object.assign((document.components ??= {}).schemas ??= {}, WEBHOOK_COMPONENT_SCHEMAS);
  for (const [path, schema] of Object.entries(bodies)) {
    const operation = document.paths[path]?.post;
    if (!operation) continue;
    operation.requestBody = { required: true, content: { 'application/json': { schema } } };
  }
}

/** Each route's JSON answer, generated from its return type, on its success status; and the shared error answer. */
function describeAnswers(document: OpenAPIObject): void {
  const schemas = (document.components ??= {}).schemas ??= {};
  for (const [name, schema] of Object.entries(generatedAnswers.components)) {
    if (name in schemas) throw new Error(`the answer schema ${name} has the name of a request schema`);
    schemas[name] = schema as SchemaObject;
  }
  schemas.ErrorAnswer = ERROR_ANSWER_SCHEMA;
  const answers = generatedAnswers.operations as Record<string, SchemaObject>;
  for (const methods of Object.values(document.paths)) {
    for (const operation of Object.values(methods) as OperationObject[]) {
      if (!operation || typeof operation !== 'object' || !('responses' in operation)) continue;
      const answer = operation.operationId ? answers[operation.operationId] : undefined;
      const success = Object.keys(operation.responses).find((status) => status.startsWith('2'));
      if (answer && success) {
        const response = operation.responses[success] as ResponseObject;
        response.description ||= 'Success';
        response.content = { 'application/json': { schema: answer } };
      }
      operation.responses.default = {
        description: 'Error: the status tells its kind (400 invalid input, 401, 403, 404, 409, 423, 429, 503)',
        headers: { 'X-Request-Id': { description: 'The request id, also in the logs', schema: { type: 'string' } } },
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorAnswer' } } },
      };
    }
  }
}

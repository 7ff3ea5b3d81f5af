import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- class-transformer types its storage only under types/
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as { defaultMetadataStorage: MetadataStorage };
import type { MetadataStorage } from 'class-transformer/types/MetadataStorage';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { z } from 'zod';
import { botFrameworkActivitySchema } from '@brigade/channels';
import { WEBHOOK_BODY_SCHEMAS, WEBHOOK_COMPONENT_SCHEMAS } from './webhook-body-schemas';

/**
 * The OpenAPI description of every REST route, at /api/docs (UI) and /api/docs-json (document).
 *
 * One source of truth: request bodies are the class-validator classes the ValidationPipe enforces, turned into JSON
 * Schema (class-validator-jsonschema); the Bot Framework webhook's body is the zod schema its parser uses.
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

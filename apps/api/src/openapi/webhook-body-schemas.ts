import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

/**
 * The Messenger and X webhook bodies, as far as their parsers (libs/channels, facebook-webhook.parser.ts and
 * x-webhook.parser.ts) read them. Those parsers check each field by hand, event by event, so that one malformed
 * event does not reject its batch: these schemas describe the same fields and are kept next to each other's tests
 * (test/component/api-document.e2e-spec.ts validates the document; the channel tests post such bodies).
 */
const idObject: SchemaObject = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] };

const messengerEvent: SchemaObject = {
  type: 'object',
  description: 'One messaging event: a message, an echo of our reply, a postback, a delivery or a read receipt.',
  properties: {
    sender: idObject,
    recipient: idObject,
    timestamp: { type: 'integer', description: 'Milliseconds since the epoch.' },
    message: {
      type: 'object',
      properties: {
        mid: { type: 'string' },
        text: { type: 'string' },
        is_echo: { type: 'boolean' },
        metadata: { type: 'string', description: 'On an echo: the id of our message.' },
        quick_reply: { type: 'object', properties: { payload: { type: 'string' } } },
        attachments: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              type: { type: 'string', example: 'image' },
              payload: { type: 'object', properties: { url: { type: 'string', format: 'uri' } } },
            },
          },
        },
      },
    },
    postback: {
      type: 'object',
      properties: { mid: { type: 'string' }, title: { type: 'string' }, payload: { type: 'string' } },
    },
    delivery: {
      type: 'object',
      properties: { mids: { type: 'array', items: { type: 'string' } }, watermark: { type: 'integer' } },
    },
    read: { type: 'object', properties: { watermark: { type: 'integer' } }, required: ['watermark'] },
  },
};

const messengerBody: SchemaObject = {
  type: 'object',
  required: ['object', 'entry'],
  properties: {
    object: { type: 'string', enum: ['page'] },
    entry: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id'],
        properties: {
          id: { type: 'string', description: 'The page id (one of FACEBOOK_PAGES).' },
          time: { type: 'integer' },
          messaging: { type: 'array', items: messengerEvent },
        },
      },
    },
  },
};

const xDirectMessageEvent: SchemaObject = {
  type: 'object',
  properties: {
    type: { type: 'string', enum: ['message_create'] },
    id: { type: 'string' },
    created_timestamp: { type: 'string', description: 'Milliseconds since the epoch.' },
    message_create: {
      type: 'object',
      properties: {
        sender_id: { type: 'string' },
        target: { type: 'object', properties: { recipient_id: { type: 'string' } } },
        message_data: {
          type: 'object',
          properties: {
            text: { type: 'string' },
            entities: { type: 'object', additionalProperties: true },
            attachment: {
              type: 'object',
              properties: {
                media: {
                  type: 'object',
                  properties: {
                    type: { type: 'string', example: 'photo' },
                    media_url_https: { type: 'string', format: 'uri' },
                    media_url: { type: 'string', format: 'uri' },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};

const xUsers: SchemaObject = {
  type: 'object',
  description: 'The users the events name, by id.',
  additionalProperties: { type: 'object', properties: { name: { type: 'string' }, screen_name: { type: 'string' } } },
};

const xBody: SchemaObject = {
  type: 'object',
  description: 'Account Activity API envelope (for_user_id + direct_message_events), or X API v2 activity events (data).',
  properties: {
    for_user_id: { type: 'string', description: 'The X account (one of X_ACCOUNTS).' },
    direct_message_events: { type: 'array', items: xDirectMessageEvent },
    users: xUsers,
    data: {
      oneOf: [
        { $ref: '#/components/schemas/XActivityEvent' },
        { type: 'array', items: { $ref: '#/components/schemas/XActivityEvent' } },
      ],
    },
  },
};

/** Referenced by the X body. */
export const WEBHOOK_COMPONENT_SCHEMAS: Record<string, SchemaObject> = {
  XActivityEvent: {
    type: 'object',
    properties: {
      event_type: { type: 'string', example: 'dm.received' },
      filter: { type: 'object', properties: { user_id: { type: 'string' } } },
      payload: {
        type: 'object',
        properties: { direct_message_events: { type: 'array', items: xDirectMessageEvent }, users: xUsers },
      },
    },
  },
};

export const WEBHOOK_BODY_SCHEMAS: Record<string, SchemaObject> = {
  '/webhooks/facebook': messengerBody,
  '/webhooks/twitter': xBody,
};

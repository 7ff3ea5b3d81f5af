import type { MessageAttachment } from '@brigade/conversations';
import type { NormalisedInboundMessage } from '../channel-adapter';
import type { ParsedWebhookBatch } from '../channel-receipt';
import { isRecord } from '../webhook-input';

/**
 * Turns an X webhook body into citizen messages. Accepts the Account Activity API body
 * (`{for_user_id, direct_message_events, users}`) and the X Activity API body
 * (`{data: {event_type: 'dm.received', filter: {user_id}, payload: {direct_message_events, users}}}`).
 * DMs our accounts sent come back too and are ignored.
 */
export function parseXWebhook(body: unknown, knownAccounts: ReadonlySet<string>): ParsedWebhookBatch<NormalisedInboundMessage> {
  const batch: ParsedWebhookBatch<NormalisedInboundMessage> = { messages: [], receipts: [], unknownAccounts: [], rejected: [] };
  if (!isRecord(body)) {
    batch.rejected.push({ reason: 'body is not an object', event: body });
    return batch;
  }
  const envelopes: { accountId: string | null; events: unknown[]; users: Record<string, unknown> }[] = [];
  if ('for_user_id' in body) {
    envelopes.push({
      accountId: body.for_user_id === undefined || body.for_user_id === null ? null : String(body.for_user_id),
      events: Array.isArray(body.direct_message_events) ? body.direct_message_events : [],
      users: isRecord(body.users) ? body.users : {},
    });
  } else if ('data' in body) {
    for (const data of Array.isArray(body.data) ? body.data : [body.data]) {
      if (!isRecord(data)) {
        batch.rejected.push({ reason: 'data is not an object', event: data });
        continue;
      }
      if (data.event_type !== 'dm.received') continue;
      const payload = isRecord(data.payload) ? data.payload : {};
      const filter = isRecord(data.filter) ? data.filter : {};
      envelopes.push({
        accountId: filter.user_id === undefined || filter.user_id === null ? null : String(filter.user_id),
        events: Array.isArray(payload.direct_message_events) ? payload.direct_message_events : [],
        users: isRecord(payload.users) ? payload.users : {},
      });
    }
  }

  const timed: { at: number; message: NormalisedInboundMessage }[] = [];
  for (const envelope of envelopes) {
    for (const event of envelope.events) {
      try {
        const parsed = parseEvent(envelope.accountId, event, envelope.users);
        if (parsed === null) continue;
        if (!knownAccounts.has(parsed.message.channelAccount)) {
          batch.unknownAccounts.push(parsed.message.channelAccount);
          continue;
        }
        timed.push(parsed);
      } catch (error) {
        batch.rejected.push({ reason: error instanceof Error ? error.message : String(error), event });
      }
    }
  }
  batch.messages = timed.sort((a, b) => a.at - b.at).map((item) => item.message);
  return batch;
}

function parseEvent(
  accountId: string | null,
  event: unknown,
  users: Record<string, unknown>,
): { at: number; message: NormalisedInboundMessage } | null {
  if (!isRecord(event)) throw new Error('event is not an object');
  if (event.type !== 'message_create') return null;
  const create = isRecord(event.message_create) ? event.message_create : null;
  if (!create) throw new Error('message_create missing');
  const id = event.id === undefined || event.id === null ? '' : String(event.id);
  if (!id) throw new Error('DM event without id');
  const senderId = create.sender_id === undefined || create.sender_id === null ? '' : String(create.sender_id);
  const recipientId = isRecord(create.target) && create.target.recipient_id !== undefined ? String(create.target.recipient_id) : '';
  if (!senderId) throw new Error('DM without sender_id');
  const account = accountId ?? recipientId;
  if (!account) throw new Error('DM without the account it was sent to');
  // Our own DMs come back on the same webhook.
  if (senderId === account) return null;
  const data = isRecord(create.message_data) ? create.message_data : {};
  const attachments = toAttachments(data.attachment);
  const text = expandLinks(typeof data.text === 'string' ? data.text : '', data.entities, attachments);
  if (text === '' && attachments.length === 0) throw new Error('DM with neither text nor attachment');
  const sender = isRecord(users[senderId]) ? (users[senderId] as Record<string, unknown>) : {};
  const at = Number(event.created_timestamp) || Date.now();
  return {
    at,
    message: {
      channel: 'x',
      channelAccount: account,
      channelMessageId: id,
      sender: {
        externalId: senderId,
        ...(typeof sender.name === 'string' && sender.name ? { displayName: sender.name } : {}),
        ...(typeof sender.screen_name === 'string' ? { address: { screenName: sender.screen_name } } : {}),
      },
      text,
      attachments,
      sentAt: new Date(at).toISOString(),
    },
  };
}

function toAttachments(attachment: unknown): MessageAttachment[] {
  if (!isRecord(attachment) || !isRecord(attachment.media)) return [];
  const media = attachment.media;
  const url = typeof media.media_url_https === 'string' ? media.media_url_https : typeof media.media_url === 'string' ? media.media_url : '';
  if (!/^https?:\/\//.test(url)) return [];
  const type = media.type === 'photo' ? 'image' : typeof media.type === 'string' ? media.type : 'file';
  return [{ type, url }];
}

/** X shortens every link to t.co: the agent sees the real address; the link to attached media is dropped. */
function expandLinks(text: string, entities: unknown, attachments: MessageAttachment[]): string {
  const urls = isRecord(entities) && Array.isArray(entities.urls) ? entities.urls : [];
  let result = text;
  for (const entity of urls) {
    if (!isRecord(entity) || typeof entity.url !== 'string') continue;
    const expanded = typeof entity.expanded_url === 'string' ? entity.expanded_url : entity.url;
    const isMediaLink = attachments.length > 0 && /\/(photo|video)\/\d+$/.test(expanded);
    result = result.split(entity.url).join(isMediaLink ? '' : expanded);
  }
  return result.trim();
}

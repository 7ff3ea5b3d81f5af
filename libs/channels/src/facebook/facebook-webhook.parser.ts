import type { MessageAttachment } from '@brigade/conversations';
import type { NormalisedInboundMessage } from '../channel-adapter';
import type { ChannelReceipt, ParsedWebhookBatch } from '../channel-receipt';
import { isRecord } from '../webhook-input';

export { isRecord } from '../webhook-input';

/**
 * Turns a Messenger webhook body into citizen messages and receipts. Pure: every event is read on its own, so one
 * malformed event is reported in `rejected` while the others of the batch go through.
 */
export function parseFacebookWebhook(body: unknown, knownPages: ReadonlySet<string>): ParsedWebhookBatch<NormalisedInboundMessage> {
  const batch: ParsedWebhookBatch<NormalisedInboundMessage> = { messages: [], receipts: [], unknownAccounts: [], rejected: [] };
  if (!isRecord(body) || body.object !== 'page' || !Array.isArray(body.entry)) {
    batch.rejected.push({ reason: 'not a Messenger page webhook', event: isRecord(body) ? body.object : body });
    return batch;
  }
  const timed: { at: number; message: NormalisedInboundMessage }[] = [];
  for (const entry of body.entry) {
    if (!isRecord(entry) || typeof entry.id !== 'string' && typeof entry.id !== 'number') {
      batch.rejected.push({ reason: 'entry without a page id', event: entry });
      continue;
    }
    const pageId = String(entry.id);
    if (!knownPages.has(pageId)) {
      batch.unknownAccounts.push(pageId);
      continue;
    }
    const events = Array.isArray(entry.messaging) ? entry.messaging : [];
    for (const event of events) {
      try {
        const parsed = parseEvent(pageId, event);
        if (parsed === null) continue;
        if ('kind' in parsed) batch.receipts.push(parsed);
        else timed.push(parsed);
      } catch (error) {
        batch.rejected.push({ reason: error instanceof Error ? error.message : String(error), event });
      }
    }
  }
  // Meta does not keep order after failed deliveries: the inbox ids follow the citizen's own order.
  batch.messages = timed.sort((a, b) => a.at - b.at).map((item) => item.message);
  return batch;
}

type ParsedEvent = { at: number; message: NormalisedInboundMessage } | ChannelReceipt | null;

function parseEvent(pageId: string, event: unknown): ParsedEvent {
  if (!isRecord(event)) throw new Error('event is not an object');
  const senderId = idOf(event.sender);
  const recipientId = idOf(event.recipient);
  const at = typeof event.timestamp === 'number' ? event.timestamp : Date.now();

  if (isRecord(event.message)) {
    const message = event.message;
    if (message.is_echo === true) {
      // Our page sent it: the citizen is the recipient.
      if (!recipientId || typeof message.mid !== 'string') throw new Error('echo without recipient or mid');
      return {
        kind: 'echo',
        channel: 'facebook',
        channelAccount: pageId,
        citizenId: recipientId,
        providerMessageId: message.mid,
        ourMessageId: typeof message.metadata === 'string' && isUuid(message.metadata) ? message.metadata : null,
      };
    }
    if (!senderId) throw new Error('message without sender.id');
    if (typeof message.mid !== 'string' || message.mid === '') throw new Error('message without mid');
    const quickReply = isRecord(message.quick_reply) && typeof message.quick_reply.payload === 'string' ? message.quick_reply.payload : '';
    const text = typeof message.text === 'string' && message.text !== '' ? message.text : quickReply;
    const attachments = Array.isArray(message.attachments) ? message.attachments.flatMap(toAttachment) : [];
    if (text === '' && attachments.length === 0) throw new Error('message with neither text nor attachment');
    return { at, message: inbound(pageId, senderId, message.mid, text, attachments, at) };
  }

  if (isRecord(event.postback)) {
    if (!senderId) throw new Error('postback without sender.id');
    const postback = event.postback;
    const title = typeof postback.title === 'string' ? postback.title : '';
    const payload = typeof postback.payload === 'string' ? postback.payload : '';
    if (!title && !payload) throw new Error('postback without title or payload');
    // Newer postbacks carry a mid; older ones are identified by who pressed the button and when.
    const id = typeof postback.mid === 'string' && postback.mid ? postback.mid : `postback:${pageId}:${senderId}:${at}`;
    return { at, message: inbound(pageId, senderId, id, title || payload, [], at) };
  }

  if (isRecord(event.delivery)) {
    if (!senderId) throw new Error('delivery without sender.id');
    const mids = Array.isArray(event.delivery.mids) ? event.delivery.mids.filter((mid): mid is string => typeof mid === 'string') : [];
    const watermark = typeof event.delivery.watermark === 'number' ? new Date(event.delivery.watermark) : null;
    return { kind: 'delivered', channel: 'facebook', channelAccount: pageId, citizenId: senderId, providerMessageIds: mids, watermark };
  }

  if (isRecord(event.read)) {
    if (!senderId || typeof event.read.watermark !== 'number') throw new Error('read without sender.id or watermark');
    return { kind: 'read', channel: 'facebook', channelAccount: pageId, citizenId: senderId, watermark: new Date(event.read.watermark) };
  }

  // Reactions, referrals, opt-ins, handover events: nothing for the desk yet.
  return null;
}

function inbound(
  pageId: string,
  senderId: string,
  mid: string,
  text: string,
  attachments: MessageAttachment[],
  at: number,
): NormalisedInboundMessage {
  return {
    channel: 'facebook',
    channelAccount: pageId,
    channelMessageId: mid,
    sender: { externalId: senderId },
    text,
    attachments,
    sentAt: new Date(at).toISOString(),
  };
}

/** Attachments are kept as links with their type; the platform never fetches or re-hosts the file. */
function toAttachment(attachment: unknown): MessageAttachment[] {
  if (!isRecord(attachment) || typeof attachment.type !== 'string') return [];
  const payload = isRecord(attachment.payload) ? attachment.payload : {};
  if (typeof payload.url === 'string' && /^https?:\/\//.test(payload.url)) {
    return [{ type: attachment.type, url: payload.url, ...(typeof attachment.title === 'string' ? { name: attachment.title } : {}) }];
  }
  const coordinates = isRecord(payload.coordinates) ? payload.coordinates : null;
  if (coordinates && typeof coordinates.lat === 'number' && typeof coordinates.long === 'number') {
    return [{ type: 'location', url: `geo:${coordinates.lat},${coordinates.long}` }];
  }
  if (typeof attachment.url === 'string' && /^https?:\/\//.test(attachment.url)) {
    return [{ type: attachment.type, url: attachment.url }];
  }
  return [];
}

function idOf(value: unknown): string | null {
  if (!isRecord(value)) return null;
  return typeof value.id === 'string' || typeof value.id === 'number' ? String(value.id) : null;
}

function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

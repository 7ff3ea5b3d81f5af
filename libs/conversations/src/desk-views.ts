import type { DeskConversationView, DeskMessageView, CitizenMessageView } from '@brigade/realtime';
import type { Contact } from '@brigade/contacts';
import type { Conversation } from './conversation.entity';
import type { Message } from './message.entity';

export function toDeskMessage(message: Message): DeskMessageView {
  return {
    id: message.id,
    conversationId: message.conversationId,
    direction: message.direction,
    author: message.authorType,
    authorAgentId: message.authorAgentId,
    text: message.text,
    attachments: message.attachments,
    deliveryStatus: message.deliveryStatus,
    deliveryError: message.deliveryError,
    createdAt: message.createdAt.toISOString(),
  };
}

/**
 * The message a conversation list shows as its preview: the last one written by the citizen or a gendarme. The
 * system's own texts (acknowledgement, queue position, triage prompts) say nothing about the conversation.
 */
export function previewMessage<T extends Pick<Message, 'authorType'>>(messages: T[]): T | null {
  for (let index = messages.length - 1; index >= 0; index -= 1) if (messages[index].authorType !== 'system') return messages[index];
  return null;
}

export function toDeskConversation(
  conversation: Conversation,
  contact: Contact,
  lastMessage: Message | null,
): DeskConversationView {
  const name = conversation.sensitive ? contact.pseudonym : (contact.displayName ?? contact.pseudonym);
  return {
    id: conversation.id,
    channel: conversation.channel,
    status: conversation.status,
    queue: conversation.queue,
    priority: conversation.priority,
    language: conversation.language,
    contact: { id: contact.id, name },
    assigneeId: conversation.assigneeId,
    createdAt: conversation.createdAt.toISOString(),
    waitingSince: conversation.waitingSince.toISOString(),
    assignedAt: conversation.assignedAt?.toISOString() ?? null,
    lastCitizenMessageAt: conversation.lastCitizenMessageAt?.toISOString() ?? null,
    lastMessage: lastMessage ? toDeskMessage(lastMessage) : null,
    tags: conversation.tags ?? [],
    citizenLeftAt: conversation.citizenLeftAt?.toISOString() ?? null,
    citizenRating: conversation.citizenRating ?? null,
  };
}

export function toCitizenMessage(message: Message, authorName?: string): CitizenMessageView {
  return {
    id: message.id,
    conversationId: message.conversationId,
    author: message.authorType,
    authorName,
    text: message.text,
    at: message.createdAt.toISOString(),
    ...(message.direction === 'inbound' && message.deliveryStatus === 'read' ? { read: true as const } : {}),
    ...(message.attachments?.length ? { fileNames: message.attachments.map((attachment) => attachment.name ?? attachment.type) } : {}),
  };
}

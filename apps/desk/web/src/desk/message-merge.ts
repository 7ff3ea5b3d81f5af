/** How the desk folds messages it receives (pushed, acknowledged, fetched) into what it shows. Pure functions. */
import type { DeskConversationView, DeskMessageView } from '../contract';

/** How far a reply has gone: a late or repeated event never moves it back (e.g. 'sent' after 'delivered'). */
const PROGRESS: Record<DeskMessageView['deliveryStatus'], number> = { received: 0, queued: 1, failed: 2, sent: 3, delivered: 4, read: 5 };

function furthest(a: DeskMessageView['deliveryStatus'], b: DeskMessageView['deliveryStatus']): DeskMessageView['deliveryStatus'] {
  return PROGRESS[b] >= PROGRESS[a] ? b : a;
}

/** One list per conversation, one entry per message id, in time order; a message seen again keeps its furthest status. */
export function mergeMessages(existing: DeskMessageView[], incoming: DeskMessageView[]): DeskMessageView[] {
  const byId = new Map(existing.map((message) => [message.id, message]));
  for (const message of incoming) {
    const known = byId.get(message.id);
    byId.set(
      message.id,
      known
        ? { ...known, ...message, deliveryStatus: furthest(known.deliveryStatus, message.deliveryStatus), deliveryError: message.deliveryError ?? known.deliveryError }
        : message,
    );
  }
  return [...byId.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/**
 * The conversation's preview after a message arrives (pushed, or my own reply acknowledged): the last message and the citizen's last message time only move
 * forward, so that a message pushed late or again (a resend, a retried webhook) leaves them as they are.
 */
export function withArrivedMessage(conversation: DeskConversationView, message: DeskMessageView): DeskConversationView {
  // The system's own texts (acknowledgement, queue position, triage) are not what the list should preview.
  const newer =
    message.author !== 'system' && (!conversation.lastMessage || conversation.lastMessage.createdAt <= message.createdAt);
  const citizenNewer =
    message.author === 'citizen' && (!conversation.lastCitizenMessageAt || conversation.lastCitizenMessageAt < message.createdAt);
  return {
    ...conversation,
    lastMessage: newer ? message : conversation.lastMessage,
    lastCitizenMessageAt: citizenNewer ? message.createdAt : conversation.lastCitizenMessageAt,
  };
}

import { z } from 'zod';
import type { MessageAttachment } from '@brigade/conversations';
import type { NormalisedInboundMessage } from '../channel-adapter';

/** What a reply needs to find its way back: stored on the citizen's channel identity at first contact. */
export interface BotFrameworkAddress {
  serviceUrl: string;
  conversationId: string;
  channelId: string;
  botId: string;
  botName: string | null;
  /** The citizen's account id as the connector knows it (externalId is scoped by channel). */
  userId: string;
}

const httpUrl = z
  .string()
  .url()
  .refine((value) => /^https?:\/\//i.test(value), 'must be an http(s) URL');

const channelAccount = z.object({ id: z.string().min(1).max(512), name: z.string().max(512).optional().nullable() });

const attachmentSchema = z.object({
  contentType: z.string().max(256),
  contentUrl: z.string().max(4096).optional().nullable(),
  name: z.string().max(512).optional().nullable(),
  content: z.unknown().optional(),
});

/** The fields of an Activity this platform reads; the connector sends many more, which are ignored. */
export const botFrameworkActivitySchema = z.object({
  type: z.string().min(1).max(64),
  id: z.string().min(1).max(512).optional(),
  timestamp: z.string().max(64).optional().nullable(),
  serviceUrl: httpUrl,
  channelId: z.string().min(1).max(128),
  from: channelAccount,
  recipient: channelAccount,
  conversation: z.object({ id: z.string().min(1).max(1024) }),
  text: z.string().optional().nullable(),
  locale: z.string().max(32).optional().nullable(),
  attachments: z.array(attachmentSchema).max(50).optional().nullable(),
});

export type BotFrameworkActivity = z.infer<typeof botFrameworkActivitySchema>;

export type ActivityParseResult = { ok: true; activity: BotFrameworkActivity } | { ok: false; problems: string[] };

export function parseBotFrameworkActivity(body: unknown): ActivityParseResult {
  const parsed = botFrameworkActivitySchema.safeParse(body);
  if (parsed.success) return { ok: true, activity: parsed.data };
  return { ok: false, problems: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`) };
}

/**
 * Turns a message Activity into the unified inbound message; any other activity (conversationUpdate, typing,
 * our own messages echoed back, an empty message) gives null and is acknowledged without being stored.
 */
export function normaliseBotFrameworkActivity(
  activity: BotFrameworkActivity,
  now: Date = new Date(),
): NormalisedInboundMessage | null {
  if (activity.type !== 'message' || !activity.id) return null;
  if (activity.from.id === activity.recipient.id) return null;
  const text = (activity.text ?? '').trim();
  const attachments = (activity.attachments ?? []).flatMap(toMessageAttachment);
  if (!text && attachments.length === 0) return null;

  const address: BotFrameworkAddress = {
    serviceUrl: activity.serviceUrl,
    conversationId: activity.conversation.id,
    channelId: activity.channelId,
    botId: activity.recipient.id,
    botName: activity.recipient.name ?? null,
    userId: activity.from.id,
  };
  const sentAt = activity.timestamp && !Number.isNaN(Date.parse(activity.timestamp)) ? new Date(activity.timestamp) : now;
  return {
    channel: 'botframework',
    channelAccount: activity.recipient.id,
    // Activity ids are only unique within a conversation.
    channelMessageId: `${activity.conversation.id}:${activity.id}`,
    sender: {
      // Scoped by the connector's channel: a Web Chat page chooses its own user ids and must not be able to
      // write into the conversation of a Teams user who happens to have that id.
      externalId: `${activity.channelId}:${activity.from.id}`,
      displayName: activity.from.name ?? undefined,
      address: { ...address },
    },
    text,
    attachments,
    sentAt: sentAt.toISOString(),
    language: activity.locale?.split(/[-_]/)[0]?.toLowerCase() || undefined,
  };
}

/** Reads a stored address back, refusing one that lacks what a reply needs. */
export function botFrameworkAddressFrom(address: Record<string, unknown>): BotFrameworkAddress | null {
  const { serviceUrl, conversationId, channelId, botId, botName, userId } = address;
  if (typeof serviceUrl !== 'string' || !httpUrl.safeParse(serviceUrl).success) return null;
  if (typeof conversationId !== 'string' || !conversationId) return null;
  if (typeof botId !== 'string' || !botId || typeof userId !== 'string' || !userId) return null;
  return {
    serviceUrl,
    conversationId,
    channelId: typeof channelId === 'string' ? channelId : '',
    botId,
    botName: typeof botName === 'string' ? botName : null,
    userId,
  };
}

/** Attachments are kept as links with a coarse type; inline cards (no URL) are not kept. */
function toMessageAttachment(attachment: z.infer<typeof attachmentSchema>): MessageAttachment[] {
  // Teams sends files as a download-info card whose URL sits in the content.
  const content = attachment.content as { downloadUrl?: unknown; fileType?: unknown } | undefined;
  const url = attachment.contentUrl ?? (typeof content?.downloadUrl === 'string' ? content.downloadUrl : null);
  if (!url || !httpUrl.safeParse(url).success) return [];
  const kept: MessageAttachment = { type: attachmentType(attachment.contentType), url };
  if (attachment.name) kept.name = attachment.name;
  return [kept];
}

function attachmentType(contentType: string): string {
  const family = contentType.toLowerCase().split('/')[0];
  return family === 'image' || family === 'audio' || family === 'video' ? family : 'file';
}

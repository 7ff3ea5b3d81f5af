import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In } from 'typeorm';
import type { AgentPrincipal } from '@brigade/agents';
import { AuditService } from '@brigade/audit';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { ConversationsService, type Message, type MessageAttachment } from '@brigade/conversations';
import { NotFoundError } from '@brigade/errors';
import { AttachmentRefusedError } from './attachment-refusal';
import { InspectedAttachment, inspectAttachment } from './attachment-inspection';
import { AttachmentLinks } from './attachment-links';
import { ATTACHMENT_STORAGE, AttachmentStorage } from './attachment-storage';
import { StoredAttachment } from './stored-attachment.entity';

/** A file as received from a citizen, before any check. */
export interface IncomingFile {
  bytes: Buffer;
  name: string;
}

/** What an authorised agent gets to open an attachment: a link valid for a few minutes. */
export interface AttachmentLinkView {
  url: string;
  expiresAt: string;
  contentType: string;
  name: string;
}

/** A stored file read back through a valid signed link. */
export interface AttachmentContent {
  bytes: Buffer;
  contentType: string;
  kind: 'image' | 'document';
  name: string;
}

/** A message's attachments once ingested, and the gendarme to send it again when they changed. */
export interface AttachmentsAfterIngest {
  attachments: MessageAttachment[];
  /** Provider files were downloaded (or marked unavailable): the message row was updated. */
  changed: boolean;
  /** When changed: the assignee of the conversation at that moment, if any. */
  assigneeId: string | null;
}

/** Provider link types whose file is worth downloading: the others (location, fallback, sticker...) stay links. */
const DOWNLOADABLE_TYPES = new Set(['image', 'file', 'photo', 'document']);
/** Channels whose attachments are provider links that expire (Bot Framework's need the connector's token: not yet). */
const DOWNLOADING_CHANNELS = new Set(['facebook', 'x']);

/**
 * The files citizens send: checked from their bytes, made safe (see inspectAttachment), stored behind the
 * attachment storage, linked to their message and conversation, opened by agents through signed links, and
 * erased with their conversations.
 */
@Injectable()
export class AttachmentsService implements OnModuleDestroy {
  private readonly logger = new Logger(AttachmentsService.name);
  private readonly links: AttachmentLinks;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ATTACHMENT_STORAGE) private readonly storage: AttachmentStorage,
    private readonly conversations: ConversationsService,
    private readonly audit: AuditService,
  ) {
    this.links = new AttachmentLinks(config.attachments.urlSecret, config.attachments.urlTtlSeconds);
  }

  async onModuleDestroy(): Promise<void> {
    await this.storage.close();
  }

  /**
   * Checks and stores the files of one message, all or none: one bad file refuses the whole message and nothing is
   * kept (no row, no object). Exactly once per (channel, message id): a retried upload answers the files stored the
   * first time, also when two copies race.
   */
  async storeMessageFiles(channel: string, channelMessageId: string, files: IncomingFile[]): Promise<MessageAttachment[]> {
    const existing = await this.filesOfMessage(channel, channelMessageId);
    if (existing.length > 0) return existing.map(toMessageAttachment);
    if (files.length === 0) return [];
    if (files.length > this.config.attachments.maxPerMessage) throw new AttachmentRefusedError('too-many');
    const inspected: InspectedAttachment[] = [];
    for (const file of files) inspected.push(await inspectAttachment(file.bytes, file.name, this.inspectionLimits()));
    const rows = inspected.map((file, position) => this.newRow(file, channel, channelMessageId, position));
    const written: StoredAttachment[] = [];
    try {
      for (const [index, row] of rows.entries()) {
        await this.storage.put(row.storageKey, inspected[index].bytes, row.contentType);
        written.push(row);
      }
      const inserted = await this.dataSource
        .createQueryBuilder()
        .insert()
        .into(StoredAttachment)
        .values(rows.map(columnsOf))
        .orIgnore()
        .returning('id')
        .execute();
      if ((inserted.raw as unknown[]).length === rows.length) return rows.map(toMessageAttachment);
      // A concurrent copy of the same upload stored first: keep its files, drop ours.
      await this.dataSource.getRepository(StoredAttachment).delete({ id: In(rows.map((row) => row.id)) });
      await this.deleteObjects(written);
      return (await this.filesOfMessage(channel, channelMessageId)).map(toMessageAttachment);
    } catch (error) {
      await this.deleteObjects(written);
      throw error;
    }
  }

  /**
   * Once the worker has stored a message: links the files uploaded with it (web chat), or downloads the files of
   * provider links (Messenger, X: their URLs expire) and stores them the same way. A download or a check that fails
   * keeps the link and says why, so that the message is never lost. Answers the message's attachments as they now
   * are (the message row is updated when they changed).
   */
  async afterIngest(message: Message): Promise<AttachmentsAfterIngest> {
    const attachments = message.attachments ?? [];
    if (attachments.length === 0 || !message.channelMessageId) return { attachments, changed: false, assigneeId: null };
    if (attachments.some((attachment) => attachment.attachmentId)) {
      await this.dataSource.query(
        `UPDATE attachments SET message_id = $3, conversation_id = $4
          WHERE channel = $1 AND channel_message_id = $2 AND message_id IS NULL`,
        [message.channel, message.channelMessageId, message.id, message.conversationId],
      );
      return { attachments, changed: false, assigneeId: null };
    }
    if (!DOWNLOADING_CHANNELS.has(message.channel) || !attachments.some(isDownloadable)) {
      return { attachments, changed: false, assigneeId: null };
    }
    const updated = await this.downloadProviderFiles(message, attachments);
    // The conversation may have been assigned while the files were downloading (the routing timer does not wait for
    // them): its gendarme then already shows the message with its links and must be sent it again, files included.
    const [row]: { assignee_id: string | null }[] = await this.dataSource.query(
      `WITH updated AS (UPDATE messages SET attachments = $2::jsonb WHERE id = $1)
       SELECT assignee_id FROM conversations WHERE id = $3 AND status = 'assigned'`,
      [message.id, JSON.stringify(updated), message.conversationId],
    );
    return { attachments: updated, changed: true, assigneeId: row?.assignee_id ?? null };
  }

  /** A signed link to the file, for an agent allowed to read its conversation; the access goes to the audit. */
  async linkFor(principal: AgentPrincipal, attachmentId: string): Promise<AttachmentLinkView> {
    const attachment = await this.dataSource.getRepository(StoredAttachment).findOneBy({ id: attachmentId });
    if (!attachment?.conversationId) throw new NotFoundError('Pièce jointe introuvable');
    await this.conversations.authorizeReadById(principal, attachment.conversationId);
    await this.audit.record({
      actorType: 'agent',
      actorId: principal.agentId,
      action: 'attachment.read',
      subjectType: 'conversation',
      subjectId: attachment.conversationId,
      details: { attachmentId: attachment.id, role: principal.role },
    });
    const link = this.links.sign(attachment.id);
    return { url: link.path, expiresAt: link.expiresAt.toISOString(), contentType: attachment.contentType, name: attachment.originalName };
  }

  /** The file behind a signed link; the same NotFoundError for a bad signature, an expired link or an unknown file. */
  async openSigned(attachmentId: string, expires: unknown, signature: unknown): Promise<AttachmentContent> {
    if (!this.links.verify(attachmentId, expires, signature)) throw new NotFoundError('Lien expiré ou invalide');
    const attachment = await this.dataSource.getRepository(StoredAttachment).findOneBy({ id: attachmentId });
    if (!attachment?.conversationId) throw new NotFoundError('Lien expiré ou invalide');
    const bytes = await this.storage.get(attachment.storageKey);
    return { bytes, contentType: attachment.contentType, kind: attachment.kind, name: attachment.originalName };
  }

  /** Every stored file of these conversations, with its bytes: what an export of the citizen's data includes. */
  async filesOfConversations(conversationIds: string[]): Promise<(StoredAttachment & { bytes: Buffer })[]> {
    if (conversationIds.length === 0) return [];
    const rows = await this.dataSource
      .getRepository(StoredAttachment)
      .find({ where: { conversationId: In(conversationIds) }, order: { createdAt: 'ASC', position: 'ASC' } });
    return Promise.all(rows.map(async (row) => ({ ...row, bytes: await this.storage.get(row.storageKey) })));
  }

  /**
   * Deletes the files (objects and rows) of these conversations: erasure, and retention before it deletes the
   * conversations (whose deletion would otherwise remove the rows and leave the objects behind). Objects go first:
   * a crash in between leaves rows whose objects are gone (harmless, erased again next time), never the reverse.
   */
  async eraseConversations(conversationIds: string[]): Promise<number> {
    if (conversationIds.length === 0) return 0;
    const rows = await this.dataSource.getRepository(StoredAttachment).find({
      where: { conversationId: In(conversationIds) },
      select: { id: true, storageKey: true },
    });
    await this.deleteObjects(rows);
    if (rows.length > 0) await this.dataSource.getRepository(StoredAttachment).delete({ id: In(rows.map((row) => row.id)) });
    return rows.length;
  }

  /**
   * The storage keys of these conversations' files, read in the caller's transaction before it deletes their messages
   * or conversations (the rows cascade away with them): the caller deletes the objects once it has committed.
   */
  async storageKeysOfConversations(manager: EntityManager, conversationIds: string[]): Promise<string[]> {
    if (conversationIds.length === 0) return [];
    const rows: { storage_key: string }[] = await manager.query(
      `SELECT storage_key FROM attachments WHERE conversation_id = ANY($1::uuid[])`,
      [conversationIds],
    );
    return rows.map((row) => row.storage_key);
  }

  /** Deletes stored objects whose rows are gone (see storageKeysOfConversations). */
  async deleteStoredObjects(storageKeys: string[]): Promise<void> {
    await this.deleteObjects(storageKeys.map((storageKey) => ({ storageKey })));
  }

  /** Uploads whose message never arrived (the tab closed between upload and send): removed after `olderThanMs`. */
  async sweepUnlinked(olderThanMs: number): Promise<number> {
    const rows: { id: string; storage_key: string }[] = await this.dataSource.query(
      `SELECT id, storage_key FROM attachments WHERE message_id IS NULL AND created_at < now() - make_interval(secs => $1) LIMIT 500`,
      [olderThanMs / 1000],
    );
    await this.deleteObjects(rows.map((row) => ({ storageKey: row.storage_key })));
    if (rows.length > 0) await this.dataSource.getRepository(StoredAttachment).delete({ id: In(rows.map((row) => row.id)) });
    return rows.length;
  }

  private async downloadProviderFiles(message: Message, attachments: MessageAttachment[]): Promise<MessageAttachment[]> {
    const updated: MessageAttachment[] = [];
    for (const [position, attachment] of attachments.entries()) {
      if (!isDownloadable(attachment)) {
        updated.push(attachment);
        continue;
      }
      try {
        const bytes = await this.download(attachment.url);
        const file = await inspectAttachment(bytes, attachment.name ?? fileNameOf(attachment.url), this.inspectionLimits());
        const row = this.newRow(file, message.channel, message.channelMessageId!, position);
        row.messageId = message.id;
        row.conversationId = message.conversationId;
        await this.storage.put(row.storageKey, file.bytes, file.contentType);
        const inserted = await this.dataSource
          .createQueryBuilder()
          .insert()
          .into(StoredAttachment)
          .values(columnsOf(row))
          .orIgnore()
          .returning('id')
          .execute();
        if ((inserted.raw as unknown[]).length === 0) {
          // Stored by an earlier run of this job (a redelivery): keep that one.
          await this.storage.delete(row.storageKey);
          const earlier = await this.dataSource
            .getRepository(StoredAttachment)
            .findOneByOrFail({ channel: message.channel, channelMessageId: message.channelMessageId!, position });
          updated.push(toMessageAttachment(earlier));
        } else {
          updated.push(toMessageAttachment(row));
        }
      } catch (error) {
        const reason = error instanceof AttachmentRefusedError ? error.message : 'Téléchargement impossible';
        this.logger.warn({ messageId: message.id, reason, err: error instanceof AttachmentRefusedError ? undefined : error }, 'provider attachment kept as a link');
        updated.push({ ...attachment, unavailable: reason });
      }
    }
    return updated;
  }

  /** The provider's file, at most maxBytes, within the download timeout. */
  private async download(url: string): Promise<Buffer> {
    const response = await fetch(url, { signal: AbortSignal.timeout(this.config.attachments.downloadTimeoutMs), redirect: 'follow' });
    if (!response.ok || !response.body) throw new Error(`download answered ${response.status}`);
    const announced = Number(response.headers.get('content-length') ?? '0');
    if (announced > this.config.attachments.maxBytes) {
      await response.body.cancel();
      throw new AttachmentRefusedError('too-large');
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += chunk.length;
      if (size > this.config.attachments.maxBytes) throw new AttachmentRefusedError('too-large');
      chunks.push(Buffer.from(chunk));
    }
    return Buffer.concat(chunks);
  }

  private filesOfMessage(channel: string, channelMessageId: string): Promise<StoredAttachment[]> {
    return this.dataSource.getRepository(StoredAttachment).find({ where: { channel, channelMessageId }, order: { position: 'ASC' } });
  }

  private newRow(file: InspectedAttachment, channel: string, channelMessageId: string, position: number): StoredAttachment {
    return Object.assign(new StoredAttachment(), {
      id: randomUUID(),
      messageId: null,
      conversationId: null,
      channel,
      channelMessageId,
      position,
      kind: file.kind,
      contentType: file.contentType,
      sizeBytes: file.bytes.length,
      sha256: createHash('sha256').update(file.bytes).digest('hex'),
      storageKey: randomUUID(),
      originalName: file.name,
      createdAt: new Date(),
    });
  }

  private inspectionLimits() {
    return { maxBytes: this.config.attachments.maxBytes, maxImagePixels: this.config.attachments.maxImagePixels };
  }

  private async deleteObjects(rows: { storageKey: string }[]): Promise<void> {
    for (const row of rows) await this.storage.delete(row.storageKey);
  }
}

/** The row's columns only (TypeORM's insert types refuse the entity with its relations). */
function columnsOf(row: StoredAttachment): Omit<StoredAttachment, 'message' | 'conversation'> {
  const { message: _message, conversation: _conversation, ...columns } = row;
  return columns;
}

function isDownloadable(attachment: MessageAttachment): boolean {
  return !attachment.attachmentId && !attachment.unavailable && DOWNLOADABLE_TYPES.has(attachment.type) && /^https?:\/\//.test(attachment.url);
}

function fileNameOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
  } catch {
    return '';
  }
}

/** How a stored file appears in its message's `attachments`: no URL (it is opened through a signed link). */
export function toMessageAttachment(row: StoredAttachment): MessageAttachment {
  return {
    type: row.kind === 'image' ? 'image' : 'file',
    url: '',
    name: row.originalName,
    attachmentId: row.id,
    contentType: row.contentType,
    size: row.sizeBytes,
  };
}

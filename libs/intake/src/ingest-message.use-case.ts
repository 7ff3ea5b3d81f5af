import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ChannelIdentity, Contact, newPseudonym } from '@brigade/contacts';
import { Conversation, Message } from '@brigade/conversations';
import { InboxEntry } from './inbox-entry.entity';

export interface IngestOutcome {
  conversation: Conversation;
  message: Message;
  /** False when the entry had been ingested before (a redelivered job): nothing was written. */
  stored: boolean;
  conversationOpened: boolean;
}

/**
 * Turns one inbox entry into contact, conversation and message rows, exactly once: the entry row is locked,
 * the message has a unique channel id, and a conversation is opened at most once per identity.
 */
@Injectable()
export class IngestMessageUseCase {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async execute(inboxEntryId: string): Promise<IngestOutcome | null> {
    return this.dataSource.transaction(async (manager) => {
      const entry = await manager
        .getRepository(InboxEntry)
        .findOne({ where: { id: inboxEntryId }, lock: { mode: 'pessimistic_write' } });
      if (!entry) return null;
      const inbound = entry.payload;
      const identity = await this.identityFor(manager, entry);
      const { conversation, opened } = await this.openConversationFor(manager, identity, entry.receivedAt);

      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(Message)
        .values({
          conversationId: conversation.id,
          channel: inbound.channel,
          direction: 'inbound',
          authorType: 'citizen',
          text: inbound.text,
          attachments: inbound.attachments,
          channelMessageId: inbound.channelMessageId,
          deliveryStatus: 'received',
          createdAt: entry.receivedAt,
        })
        .orIgnore()
        .returning('id')
        .execute();
      const stored = (inserted.raw as unknown[]).length > 0;
      const message = await manager
        .getRepository(Message)
        .findOneByOrFail({ channel: inbound.channel, channelMessageId: inbound.channelMessageId });
      if (stored) {
        await manager.query(
          `UPDATE conversations SET last_citizen_message_at = GREATEST(last_citizen_message_at, $2) WHERE id = $1`,
          [conversation.id, entry.receivedAt],
        );
      }
      if (!entry.processedAt) {
        await manager.update(InboxEntry, { id: entry.id }, { processedAt: new Date() });
      }
      // The conversation the message landed in, which may not be the open one when this is a redelivery.
      const home = await manager.getRepository(Conversation).findOneByOrFail({ id: message.conversationId });
      return { conversation: home, message, stored, conversationOpened: opened };
    });
  }

  private async identityFor(manager: EntityManager, entry: InboxEntry): Promise<ChannelIdentity> {
    const { channel, channelAccount, sender } = entry.payload;
    const identities = manager.getRepository(ChannelIdentity);
    const existing = await identities.findOneBy({ channel, channelAccount, externalId: sender.externalId });
    if (existing) return existing;
    const contact = await manager.save(
      manager.create(Contact, { displayName: sender.displayName ?? null, pseudonym: newPseudonym() }),
    );
    await manager
      .createQueryBuilder()
      .insert()
      .into(ChannelIdentity)
      .values({
        contactId: contact.id,
        channel,
        channelAccount,
        externalId: sender.externalId,
        displayName: sender.displayName ?? null,
        address: (sender.address ?? {}) as never,
      })
      .orIgnore()
      .execute();
    // Another worker may have created it first: the unique address decides, and its contact is kept.
    return identities.findOneByOrFail({ channel, channelAccount, externalId: sender.externalId });
  }

  private async openConversationFor(
    manager: EntityManager,
    identity: ChannelIdentity,
    receivedAt: Date,
  ): Promise<{ conversation: Conversation; opened: boolean }> {
    const conversations = manager.getRepository(Conversation);
    const open = await conversations
      .createQueryBuilder('c')
      .where('c.identity_id = :identityId', { identityId: identity.id })
      .andWhere(`c.status IN ('waiting', 'assigned')`)
      .setLock('pessimistic_write')
      .getOne();
    if (open) return { conversation: open, opened: false };
    const inserted = await manager
      .createQueryBuilder()
      .insert()
      .into(Conversation)
      .values({
        contactId: identity.contactId,
        identityId: identity.id,
        channel: identity.channel,
        status: 'waiting',
        waitingSince: receivedAt,
        createdAt: receivedAt,
        lastCitizenMessageAt: receivedAt,
      })
      .orIgnore()
      .returning('id')
      .execute();
    const opened = (inserted.raw as unknown[]).length > 0;
    const conversation = await conversations
      .createQueryBuilder('c')
      .where('c.identity_id = :identityId', { identityId: identity.id })
      .andWhere(`c.status IN ('waiting', 'assigned')`)
      .getOneOrFail();
    return { conversation, opened };
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { NotFoundError } from '@brigade/errors';
import { EmailTokens } from './email/email-tokens';
import { WebchatSessions } from './webchat/webchat-sessions';

/**
 * The signed link of an answer mail, opened: a web chat session of the same contact. The e-mail identity keeps one
 * web chat visitor id (address.webchatVisitorId), whose identity belongs to the same contact, so that what the
 * citizen writes in the chat opens a conversation the desk shows with the e-mail history of that contact. The session
 * shows nothing of the e-mail conversation itself: a forwarded link reveals no message.
 */
@Injectable()
export class ContinueInWebchatUseCase {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tokens: EmailTokens,
    private readonly sessions: WebchatSessions,
  ) {}

  async execute(continueToken: unknown): Promise<{ token: string }> {
    const conversationId = this.tokens.verifyContinueToken(continueToken);
    if (!conversationId) throw new NotFoundError('Ce lien a expiré ou n’est pas valide.');
    const visitorId = await this.dataSource.transaction(async (manager) => {
      const [identity] = (await manager.query(
        `SELECT i.id, i.contact_id, i.address->>'webchatVisitorId' AS visitor_id
           FROM conversations c JOIN channel_identities i ON i.id = c.identity_id
          WHERE c.id = $1 AND i.channel = 'email'
            FOR UPDATE OF i`,
        [conversationId],
      )) as { id: string; contact_id: string; visitor_id: string | null }[];
      if (!identity) return null;
      const visitor = identity.visitor_id ?? randomUUID();
      if (!identity.visitor_id) {
        await manager.query(
          `UPDATE channel_identities SET address = address || jsonb_build_object('webchatVisitorId', $2::text) WHERE id = $1`,
          [identity.id, visitor],
        );
      }
      await manager.query(
        `INSERT INTO channel_identities (contact_id, channel, channel_account, external_id, address)
         VALUES ($1, 'webchat', '', $2, '{}'::jsonb) ON CONFLICT DO NOTHING`,
        [identity.contact_id, visitor],
      );
      return visitor;
    });
    if (!visitorId) throw new NotFoundError('Ce lien a expiré ou n’est pas valide.');
    return { token: this.sessions.issue(visitorId).token };
  }
}

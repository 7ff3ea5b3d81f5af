import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AgentPrincipal } from '@brigade/agents';
import { KnowledgeEventsService } from './knowledge-events.service';
import { KnowledgeForbiddenError, KnowledgeNotFoundError } from './knowledge-errors';
import { SearchHit, KnowledgeSearchService } from './knowledge-search.service';
import { answerAsPlainText } from './markdown';

export interface DeskArticle extends SearchHit {
  /** The answer ready for the composer: plain text, links written out (every channel shows it as it is). */
  text: string;
}

/** How many of the citizen's last messages the panel beside a conversation searches with. */
const LAST_MESSAGES = 3;

/** The knowledge base beside a conversation: articles matching the citizen's last messages, search, insertion. */
@Injectable()
export class KnowledgeDeskService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly search: KnowledgeSearchService,
    private readonly events: KnowledgeEventsService,
  ) {}

  async searchFor(text: string, language: string, limit = 5): Promise<DeskArticle[]> {
    return (await this.search.search(text, { language, limit })).map(toDesk);
  }

  /** Articles matching the citizen's last messages, in the conversation's language when a translation exists. */
  async forConversation(principal: AgentPrincipal, conversationId: string): Promise<{ language: string; channel: string; articles: DeskArticle[] }> {
    const [conversation] = await this.dataSource.query(`SELECT assignee_id, language, channel FROM conversations WHERE id = $1`, [conversationId]);
    if (!conversation) throw new KnowledgeNotFoundError('Conversation introuvable');
    const supervising = principal.role === 'supervisor' || principal.role === 'admin';
    if (!supervising && conversation.assignee_id !== principal.agentId) throw new KnowledgeForbiddenError('Conversation d’un autre gendarme');
    const messages: { text: string }[] = await this.dataSource.query(
      `SELECT text FROM messages WHERE conversation_id = $1 AND author_type = 'citizen' AND text <> ''
        ORDER BY created_at DESC LIMIT ${LAST_MESSAGES}`,
      [conversationId],
    );
    const text = messages.map((message) => message.text).join(' ');
    const articles = text.trim() ? await this.searchFor(text, conversation.language, 3) : [];
    return { language: conversation.language, channel: conversation.channel, articles };
  }

  async inserted(articleKey: string, language: string, channel: string | null): Promise<void> {
    await this.events.record({ kind: 'inserted', articleKey, language, channel });
  }
}

function toDesk(hit: SearchHit): DeskArticle {
  return { ...hit, text: answerAsPlainText(hit.answer) };
}

import { Injectable } from '@nestjs/common';
import type { AgentPrincipal } from '@brigade/agents';
import { ConversationRead, ConversationsService } from '@brigade/conversations';
import { SenderActionsService } from './sender-actions.service';

/**
 * The assignee has opened the conversation: the citizen's messages become read (stored, and shown live in the web
 * chat), and a Messenger citizen sees "seen" when there was something new to see.
 */
@Injectable()
export class MarkConversationReadUseCase {
  constructor(
    private readonly conversations: ConversationsService,
    private readonly senderActions: SenderActionsService,
  ) {}

  async execute(principal: AgentPrincipal, conversationId: string): Promise<ConversationRead> {
    const result = await this.conversations.markReadByAssignee(principal, conversationId);
    if (result.channel === 'facebook' && result.read > 0) {
      await this.senderActions.requestFromDesk(principal.agentId, conversationId, 'mark_seen');
    }
    return result;
  }
}

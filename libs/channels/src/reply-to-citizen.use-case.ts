import { Injectable, Logger } from '@nestjs/common';
import { AgentPrincipal } from '@brigade/agents';
import { ConversationsService, toDeskMessage } from '@brigade/conversations';
import { outboundJobId } from '@brigade/intake';
import { JobProducer, QueueName } from '@brigade/queue';
import type { DeskMessageView } from '@brigade/realtime';
import { ChannelRegistry } from './channel-registry';
import { DeliverReplyUseCase } from './deliver-reply.use-case';

/**
 * An agent's reply, from the desk to the citizen: stored once (per client message id), then sent.
 *
 * A channel whose recipient ignores a message id it already has (the web chat: a push to the citizen's socket room)
 * is sent from here at once, as the outbound worker would send it. Why: a job, its round trips and a worker wake-up
 * per reply cost more than the push itself on a loaded machine (`npm run bench`). The reply is stored 'queued' before
 * it is sent, so a process dying in between leaves it to the relay, which queues it for the worker. The other
 * channels (a provider's API, retries, rate limits, an attempt ledger) always go through the outbound queue.
 */
@Injectable()
export class ReplyToCitizenUseCase {
  private readonly logger = new Logger(ReplyToCitizenUseCase.name);

  constructor(
    private readonly conversations: ConversationsService,
    private readonly channels: ChannelRegistry,
    private readonly deliver: DeliverReplyUseCase,
    private readonly jobs: JobProducer,
  ) {}

  async execute(principal: AgentPrincipal, conversationId: string, clientMessageId: string, text: string): Promise<DeskMessageView> {
    const message = await this.conversations.storeReply(principal, conversationId, clientMessageId, text);
    if (message.deliveryStatus !== 'queued') return toDeskMessage(message);
    if (this.channels.get(message.channel).idempotentSend) {
      try {
        const outcome = await this.deliver.execute(message.id);
        this.logger.log({ messageId: message.id, outcome, attempt: 1 }, 'outbound delivery');
        // Answered with its status: a 'sent' event pushed before this answer would otherwise be overtaken by it.
        return toDeskMessage(outcome === 'sent' ? { ...message, deliveryStatus: 'sent' } : message);
      } catch (error) {
        this.logger.warn({ err: error, messageId: message.id }, 'reply not sent at once; queued for the outbound worker');
      }
    }
    await this.jobs.add(QueueName.Outbound, { messageId: message.id }, { jobId: outboundJobId(message.id) });
    return toDeskMessage(message);
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { QueueCatalog } from '@brigade/administration';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import type { CitizenLanguage } from '@brigade/conversations';
import type { CitizenMessageView } from '@brigade/realtime';
import { SystemWording } from './system-wording';
import { topicsFromQueues } from './topics';

/** The platform's automatic messages as the web chat citizen sees them: in the language they chose last. */
@Injectable()
export class SystemWordingService {
  /** Built again only when the queue catalogue gives another list (it caches its own). */
  private current: { queues: unknown; wording: SystemWording } | null = null;

  constructor(
    private readonly queues: QueueCatalog,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The citizen's history with the automatic messages re-worded in `language`; the others as they were written. */
  async inLanguage(messages: CitizenMessageView[], language: CitizenLanguage): Promise<CitizenMessageView[]> {
    if (!messages.some((message) => message.author === 'system')) return messages;
    const wording = await this.wording();
    return messages.map((message) =>
      message.author === 'system' ? { ...message, text: wording.reword(message.text, language) } : message,
    );
  }

  private async wording(): Promise<SystemWording> {
    const queues = await this.queues.all();
    if (this.current?.queues !== queues) {
      this.current = {
        queues,
        wording: new SystemWording({
          acknowledgements: this.config.routing.acknowledgementTexts,
          topics: topicsFromQueues(queues),
          leaveAMessageUrl: this.config.surge.contactUrl,
        }),
      };
    }
    return this.current.wording;
  }
}

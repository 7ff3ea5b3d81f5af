import { CITIZEN_LANGUAGES, CitizenLanguage } from '@brigade/conversations';
import {
  EMERGENCY_MESSAGE,
  NOTED_MESSAGE,
  SURGE_MESSAGE,
  TALK_TO_A_GENDARME_TEXTS,
  TOPIC_CONFIRMED,
  TOPIC_MENU,
  Translated,
  leaveAMessageOffer,
} from './citizen-texts';
import { Topic } from './topics';

/** What the platform's automatic messages are made of, as configured now. */
export interface SystemWordingSources {
  /** The automatic acknowledgement in each language (configuration). */
  acknowledgements: Translated;
  /** The triage menu's topics, from the queues table. */
  topics: readonly Topic[];
  /** Surge mode's "leave a message" form, when one is configured. */
  leaveAMessageUrl?: string;
}

/**
 * Re-words the platform's automatic messages (acknowledgement, triage menu, topic confirmation, emergency advice,
 * surge notices) in another of the five languages, for a citizen who switched the widget's language after they were
 * said. The stored messages are left as they were said (the desk shows what the citizen was told); only the citizen's
 * view is re-worded.
 *
 * A message is recognised from its text: every automatic message is one of the known texts, or known texts one per
 * line (a knowledge-base answer followed by "reply gendarme", the surge notice followed by the offer). Lines that are
 * no known text (a knowledge-base answer, a menu entry of a queue renamed since) stay as they were said.
 */
export class SystemWording {
  /** Every known text, in every language, to all its translations. */
  private readonly meanings = new Map<string, Translated>();
  private longestBlock = 1;

  constructor(sources: SystemWordingSources) {
    const fixed: Translated[] = [
      sources.acknowledgements,
      EMERGENCY_MESSAGE,
      SURGE_MESSAGE,
      NOTED_MESSAGE,
      TALK_TO_A_GENDARME_TEXTS,
      translated((language) => TOPIC_MENU[language].heading),
      translated((language) => `0. ${TOPIC_MENU[language].emergency}`),
    ];
    for (const meaning of fixed) this.learn(meaning);
    sources.topics.forEach((topic, index) => {
      this.learn(translated((language) => `${index + 1}. ${topic.label[language]}`));
      this.learn(translated((language) => TOPIC_CONFIRMED[language].replace('{topic}', topic.label[language])));
    });
    const url = sources.leaveAMessageUrl;
    if (url) this.learn(translated((language) => leaveAMessageOffer(language, url)));
  }

  /** The text in `language`; unchanged when it is no automatic message, or is one in that language already. */
  reword(text: string, language: CitizenLanguage): string {
    const whole = this.meanings.get(text);
    if (whole) return whole[language];
    const lines = text.split('\n');
    if (lines.length === 1) return text;
    const out: string[] = [];
    let start = 0;
    while (start < lines.length) {
      let end = Math.min(lines.length, start + this.longestBlock);
      let meaning: Translated | undefined;
      // The longest known block first: the menu is several lines, a line of it alone is known too.
      for (; end > start; end -= 1) {
        meaning = this.meanings.get(lines.slice(start, end).join('\n'));
        if (meaning) break;
      }
      if (meaning) {
        out.push(meaning[language]);
        start = end;
      } else {
        out.push(lines[start]);
        start += 1;
      }
    }
    return out.join('\n');
  }

  private learn(meaning: Translated): void {
    for (const language of CITIZEN_LANGUAGES) {
      const text = meaning[language];
      if (!text || this.meanings.has(text)) continue;
      this.meanings.set(text, meaning);
      this.longestBlock = Math.max(this.longestBlock, text.split('\n').length);
    }
  }
}

function translated(text: (language: CitizenLanguage) => string): Translated {
  return Object.fromEntries(CITIZEN_LANGUAGES.map((language) => [language, text(language)])) as Translated;
}

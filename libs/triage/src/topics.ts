import { CITIZEN_LANGUAGES, CitizenLanguage } from '@brigade/conversations';
import { TOPIC_MENU } from './citizen-texts';
import { normalise } from './text-normaliser';

/** A topic a citizen can choose, built from an active queue: the queue, its priority class (0 emergency ... 3 low). */
export interface Topic {
  queue: string;
  /** In every language the citizen may speak: the administrators' names, English for a language they did not name. */
  label: Record<CitizenLanguage, string>;
  priority: number;
  /** Conversations of this topic are shown by pseudonym and kept under the victim-safety rules. */
  sensitive: boolean;
  /** Normalised words of a citizen's answer that lead to this topic. */
  keywords: string[];
}

/** What the triage needs of a row of the queues table (QueueDefinition). */
export interface QueueTopicSource {
  key: string;
  nameFr: string;
  nameEn: string;
  /** Names in the other languages (de, it, es), as the administrators gave them. */
  nameTranslations?: Partial<Record<string, string>>;
  priority: number;
  sensitive: boolean;
  active: boolean;
  triageKeywords: string[];
  triagePosition: number | null;
}

/** "0" and TOPIC_emergency always mean the emergency; a queue of that name could never be chosen. */
const EMERGENCY_CHOICE = 'emergency';

/**
 * The menu offered by the triage, from the queues table: active queues only, by triage position (queues without one
 * after, by key), their keywords folded the way citizens' answers are.
 */
export function topicsFromQueues(queues: readonly QueueTopicSource[]): Topic[] {
  return queues
    .filter((queue) => queue.active && queue.key !== EMERGENCY_CHOICE)
    .sort(
      (a, b) =>
        (a.triagePosition ?? Number.POSITIVE_INFINITY) - (b.triagePosition ?? Number.POSITIVE_INFINITY) ||
        (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
    )
    .map((queue) => ({
      queue: queue.key,
      label: topicLabel(queue),
      priority: queue.priority,
      sensitive: queue.sensitive,
      keywords: [...new Set(queue.triageKeywords.map(normalise).filter((keyword) => keyword.length > 0))],
    }));
}

function topicLabel(queue: QueueTopicSource): Record<CitizenLanguage, string> {
  const label = Object.fromEntries(
    CITIZEN_LANGUAGES.map((language) => [language, queue.nameTranslations?.[language]?.trim() || queue.nameEn]),
  ) as Record<CitizenLanguage, string>;
  label.fr = queue.nameFr;
  label.en = queue.nameEn;
  return label;
}

export type TopicChoice = { kind: 'topic'; topic: Topic } | { kind: 'emergency' } | { kind: 'human' } | null;

/** The choices offered, numbered for channels without buttons; 0 is always the emergency. */
export function topicMenu(topics: readonly Topic[], language: CitizenLanguage): string {
  const lines = topics.map((topic, index) => `${index + 1}. ${topic.label[language]}`);
  const menu = TOPIC_MENU[language];
  return `${menu.heading}\n${lines.join('\n')}\n0. ${menu.emergency}`;
}

/**
 * Reads a topic choice among the topics offered: a number from the menu, a button or quick-reply payload
 * (TOPIC_<queue>), or the topic's words. Null when the message is not a choice.
 */
export function parseTopicChoice(text: string, topics: readonly Topic[]): TopicChoice {
  const trimmed = text.trim();
  const payload = /^TOPIC_([a-z][a-z0-9-]*)$/i.exec(trimmed);
  if (payload) {
    const queue = payload[1].toLowerCase();
    if (queue === EMERGENCY_CHOICE) return { kind: 'emergency' };
    const topic = topics.find((candidate) => candidate.queue === queue);
    return topic ? { kind: 'topic', topic } : null;
  }
  const number = /^(\d{1,2})\s*[.)]?$/.exec(trimmed);
  if (number) {
    const index = Number(number[1]);
    if (index === 0) return { kind: 'emergency' };
    return topics[index - 1] ? { kind: 'topic', topic: topics[index - 1] } : null;
  }
  const words = normalise(trimmed);
  if (/^(parler a un gendarme|un gendarme|gendarme|humain|agent|talk to an officer|human)$/.test(words)) {
    return { kind: 'human' };
  }
  if (words.split(' ').length > 6) return null;
  const topic = topics.find((candidate) => candidate.keywords.some((keyword) => words.includes(keyword)));
  return topic ? { kind: 'topic', topic } : null;
}

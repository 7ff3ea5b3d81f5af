import { normalise } from './text-normaliser';

/** A topic a citizen can choose, built from an active queue: the queue, its priority class (0 emergency ... 3 low). */
export interface Topic {
  queue: string;
  label: { fr: string; en: string };
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
      label: { fr: queue.nameFr, en: queue.nameEn },
      priority: queue.priority,
      sensitive: queue.sensitive,
      keywords: [...new Set(queue.triageKeywords.map(normalise).filter((keyword) => keyword.length > 0))],
    }));
}

export type TopicChoice = { kind: 'topic'; topic: Topic } | { kind: 'emergency' } | { kind: 'human' } | null;

/** The choices offered, numbered for channels without buttons; 0 is always the emergency. */
export function topicMenu(topics: readonly Topic[], language: 'fr' | 'en'): string {
  const lines = topics.map((topic, index) => `${index + 1}. ${topic.label[language]}`);
  return language === 'fr'
    ? `Pour mieux vous orienter, répondez par un chiffre :\n${lines.join('\n')}\n0. C’est une urgence`
    : `To direct you, reply with a number:\n${lines.join('\n')}\n0. It is an emergency`;
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

import { normalise } from './text-normaliser';

/** The topic queues a citizen can choose, with the priority class each one starts at (0 emergency ... 3 low). */
export interface Topic {
  queue: string;
  label: { fr: string; en: string };
  priority: number;
  /** Conversations of this topic are shown by pseudonym and kept under the victim-safety rules. */
  sensitive: boolean;
  keywords: string[];
}

export const TOPICS: Topic[] = [
  {
    queue: 'general',
    label: { fr: 'Une question, un renseignement', en: 'A question, information' },
    priority: 2,
    sensitive: false,
    keywords: ['question', 'renseignement', 'information', 'info'],
  },
  {
    queue: 'offence',
    label: { fr: 'Signaler une infraction (vol, arnaque, dégradation…)', en: 'Report an offence (theft, scam, damage…)' },
    priority: 2,
    sensitive: false,
    keywords: ['signaler', 'infraction', 'vol', 'vole', 'arnaque', 'escroquerie', 'cambriolage', 'plainte'],
  },
  {
    queue: 'violence',
    label: {
      fr: 'Violences, dont violences sexuelles et sexistes',
      en: 'Violence, including sexual and gender-based violence',
    },
    priority: 1,
    sensitive: true,
    keywords: ['violence', 'violences', 'harcelement', 'agression', 'conjugale', 'sexuelle', 'sexiste'],
  },
  {
    queue: 'procedure',
    label: { fr: 'Suivre une procédure en cours', en: 'Follow up a case' },
    priority: 3,
    sensitive: false,
    keywords: ['procedure', 'suivi', 'dossier', 'convocation'],
  },
  {
    queue: 'recruitment',
    label: { fr: 'Devenir gendarme (recrutement)', en: 'Joining the Gendarmerie' },
    priority: 3,
    sensitive: false,
    keywords: ['recrutement', 'devenir gendarme', 'concours', 'engager', 'reserviste', 'reserve'],
  },
];

export type TopicChoice = { kind: 'topic'; topic: Topic } | { kind: 'emergency' } | { kind: 'human' } | null;

/** The choices offered, numbered for channels without buttons; 0 is always the emergency. */
export function topicMenu(language: 'fr' | 'en'): string {
  const lines = TOPICS.map((topic, index) => `${index + 1}. ${topic.label[language]}`);
  return language === 'fr'
    ? `Pour mieux vous orienter, répondez par un chiffre :\n${lines.join('\n')}\n0. C’est une urgence`
    : `To direct you, reply with a number:\n${lines.join('\n')}\n0. It is an emergency`;
}

/**
 * Reads a topic choice: a number from the menu, a button or quick-reply payload (TOPIC_<queue>), or the topic's
 * words. Null when the message is not a choice.
 */
export function parseTopicChoice(text: string): TopicChoice {
  const trimmed = text.trim();
  const payload = /^TOPIC_([a-z]+)$/i.exec(trimmed);
  if (payload) {
    const queue = payload[1].toLowerCase();
    if (queue === 'emergency') return { kind: 'emergency' };
    const topic = TOPICS.find((candidate) => candidate.queue === queue);
    return topic ? { kind: 'topic', topic } : null;
  }
  const number = /^(\d)\s*[.)]?$/.exec(trimmed);
  if (number) {
    const index = Number(number[1]);
    if (index === 0) return { kind: 'emergency' };
    return TOPICS[index - 1] ? { kind: 'topic', topic: TOPICS[index - 1] } : null;
  }
  const words = normalise(trimmed);
  if (/^(parler a un gendarme|un gendarme|gendarme|humain|agent|talk to an officer|human)$/.test(words)) {
    return { kind: 'human' };
  }
  if (words.split(' ').length > 6) return null;
  const topic = TOPICS.find((candidate) => candidate.keywords.some((keyword) => words.includes(keyword)));
  return topic ? { kind: 'topic', topic } : null;
}

import { assessEmergency } from './emergency-detector';
import { FaqEntry, TALK_TO_A_GENDARME, TALK_TO_A_GENDARME_EN, findAnswer } from './knowledge-base';
import { Topic, parseTopicChoice, topicMenu } from './topics';

export const EMERGENCY_PRIORITY = 0;

export const EMERGENCY_MESSAGE = {
  fr:
    'Si vous ou quelqu’un êtes en danger maintenant, appelez le 17 ou le 112. Personnes sourdes ou malentendantes : ' +
    'SMS au 114. Un gendarme prend votre conversation en priorité ; restez en ligne si vous le pouvez.',
  en:
    'If you or someone else is in danger now, call 17 or 112. Deaf or hard-of-hearing people: text 114. ' +
    'A gendarme is taking your conversation first; stay online if you can.',
};

export interface TriageState {
  status: 'waiting' | 'assigned' | 'closed' | 'abandoned';
  priority: number;
  language: 'fr' | 'en';
  /** The conversation just entered the queue with this message. */
  firstMessage: boolean;
  topicChosen: boolean;
  emergencyNotified: boolean;
  surge: boolean;
}

/** What triage keeps on the conversation between messages (jsonb `triage_state`). */
export interface StoredTriageState {
  topicChosen?: boolean;
  emergencyNotified?: boolean;
}

export interface TriageDecision {
  /** New priority class, only ever raised (a lower number). */
  priority: number | null;
  queue: string | null;
  sensitive: boolean;
  topicChosen: boolean;
  emergency: { matched: string | null } | null;
  /** What the assistant says to the citizen, in order. */
  replies: string[];
}

const SURGE_MESSAGE = {
  fr:
    'Nous recevons actuellement beaucoup de demandes : l’attente peut être plus longue que d’habitude. Votre message ' +
    'est bien enregistré et un gendarme vous répondra. Les réponses aux questions les plus fréquentes suivent.',
  en:
    'We are receiving many requests right now: the wait may be longer than usual. Your message is recorded and a ' +
    'gendarme will answer. Answers to the most frequent questions follow.',
};

/**
 * What the first-line assistant does with one citizen message. Emergency first, always; then, while the conversation
 * waits for a human, topic choice (among the topics built from the queues table) and frequent questions. It never
 * stands between the citizen and a gendarme: every message stays in the queue for the agent, who sees the whole
 * exchange.
 */
export function decideTriage(
  state: TriageState,
  text: string,
  topics: readonly Topic[],
  knowledgeBase?: FaqEntry[],
  /** The knowledge-base article recognised in the message (plain text), searched by the caller; null: none. */
  recognised?: RecognisedArticle | null,
): TriageDecision {
  const decision: TriageDecision = {
    priority: null,
    queue: null,
    sensitive: false,
    topicChosen: state.topicChosen,
    emergency: null,
    replies: [],
  };
  const choice = state.status === 'waiting' && !state.topicChosen ? parseTopicChoice(text, topics) : null;
  const danger = assessEmergency(text);
  if (danger.emergency || choice?.kind === 'emergency') {
    decision.emergency = { matched: danger.matched ?? 'choix urgence' };
    if (state.priority > EMERGENCY_PRIORITY) decision.priority = EMERGENCY_PRIORITY;
    if (!state.emergencyNotified) decision.replies.push(EMERGENCY_MESSAGE[state.language]);
    decision.topicChosen = true;
    return decision;
  }
  if (state.status !== 'waiting') return decision;

  if (choice?.kind === 'topic') {
    applyTopic(decision, state, choice.topic);
    return decision;
  }
  if (choice?.kind === 'human') {
    decision.topicChosen = true;
    decision.replies.push(
      state.language === 'fr' ? 'C’est noté : un gendarme va vous répondre.' : 'Noted: a gendarme will answer you.',
    );
    return decision;
  }
  if (state.firstMessage) {
    if (state.surge) {
      decision.replies.push(SURGE_MESSAGE[state.language]);
      for (const entry of (knowledgeBase ?? []).filter((faq) => faq.surge)) decision.replies.push(entry.answer);
    }
    const answer = recognised?.text ?? findAnswer(text, knowledgeBase)?.answer;
    if (answer) decision.replies.push(`${answer}\n${talkToAGendarme(state.language)}`);
    // Without any active queue there is nothing to choose: the citizen simply waits for a gendarme.
    if (!state.topicChosen && topics.length > 0) decision.replies.push(topicMenu(topics, state.language));
    return decision;
  }
  const answer = recognised?.text ?? findAnswer(text, knowledgeBase)?.answer;
  if (answer) decision.replies.push(`${answer}\n${talkToAGendarme(state.language)}`);
  return decision;
}

/** An article of the knowledge base recognised in a citizen's message. */
export interface RecognisedArticle {
  articleKey: string;
  language: string;
  /** The answer in plain text, in the conversation's language when a translation exists. */
  text: string;
}

function talkToAGendarme(language: 'fr' | 'en'): string {
  return language === 'en' ? TALK_TO_A_GENDARME_EN : TALK_TO_A_GENDARME;
}

function applyTopic(decision: TriageDecision, state: TriageState, topic: Topic): void {
  decision.topicChosen = true;
  decision.queue = topic.queue;
  decision.sensitive = topic.sensitive;
  if (topic.priority < state.priority) decision.priority = topic.priority;
  decision.replies.push(
    state.language === 'fr'
      ? `Merci. Votre demande « ${topic.label.fr} » est transmise : un gendarme va vous répondre.`
      : `Thank you. Your request "${topic.label.en}" is passed on: a gendarme will answer you.`,
  );
}

/** A decision with nothing to say, nothing to raise or move, and the same stored state: there is nothing to write. */
export function changesNothing(decision: TriageDecision, stored: StoredTriageState): boolean {
  return (
    decision.replies.length === 0 &&
    decision.emergency === null &&
    decision.priority === null &&
    decision.queue === null &&
    !decision.sensitive &&
    decision.topicChosen === (stored.topicChosen ?? false)
  );
}

/**
 * Whether triage leaves this citizen message alone once a gendarme holds the conversation: `decideTriage` changes
 * nothing for a conversation that is not waiting unless the message speaks of danger. The intake stores such a message
 * in its conversation at once, without the ingestion worker; any other goes through the worker and triage.
 */
export function triageIgnoresOnceAssigned(text: string): boolean {
  return !assessEmergency(text).emergency;
}

import type { CitizenLanguage } from '@brigade/conversations';
import {
  EMERGENCY_MESSAGE,
  NOTED_MESSAGE,
  SURGE_MESSAGE,
  TALK_TO_A_GENDARME_TEXTS,
  TOPIC_CONFIRMED,
  leaveAMessageOffer,
} from './citizen-texts';
import { assessEmergency } from './emergency-detector';
import { FaqEntry, findAnswer } from './knowledge-base';
import { Topic, parseTopicChoice, topicMenu } from './topics';

export const EMERGENCY_PRIORITY = 0;

export { EMERGENCY_MESSAGE } from './citizen-texts';

export interface TriageState {
  status: 'waiting' | 'assigned' | 'closed' | 'abandoned';
  priority: number;
  language: CitizenLanguage;
  /** The conversation just entered the queue with this message. */
  firstMessage: boolean;
  topicChosen: boolean;
  emergencyNotified: boolean;
  surge: boolean;
  /**
   * In surge mode: the "leave a message" form offered to the citizen (call-back within the day rather than a long
   * wait); absent: no offer.
   */
  leaveAMessageUrl?: string;
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
    // No topic yet: the emergency joins the most urgent sensitive queue (violence in the default set), whose
    // gendarmes are trained for it, rather than the general one. Any gendarme may still take it (emergency).
    const queue = state.topicChosen ? undefined : emergencyQueue(topics);
    if (queue) {
      decision.queue = queue.queue;
      decision.sensitive = true;
    }
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
    decision.replies.push(NOTED_MESSAGE[state.language]);
    return decision;
  }
  if (state.firstMessage) {
    const answer = recognised?.text ?? findAnswer(text, knowledgeBase)?.answer;
    if (state.surge) {
      // A surge: the citizen's own question answered first (many need nothing more), then the honest wait and the
      // offer to leave a message instead; the frequent questions of the surge only when theirs was not recognised.
      if (answer) decision.replies.push(`${answer}\n${talkToAGendarme(state.language)}`);
      decision.replies.push(SURGE_MESSAGE[state.language]);
      if (state.leaveAMessageUrl) decision.replies.push(leaveAMessageOffer(state.language, state.leaveAMessageUrl));
      if (!answer) for (const entry of (knowledgeBase ?? []).filter((faq) => faq.surge)) decision.replies.push(entry.answer);
    } else if (answer) {
      decision.replies.push(`${answer}\n${talkToAGendarme(state.language)}`);
    }
    // Without any active queue there is nothing to choose: the citizen simply waits for a gendarme.
    if (!state.topicChosen && topics.length > 0) decision.replies.push(topicMenu(topics, state.language));
    return decision;
  }
  const answer = recognised?.text ?? findAnswer(text, knowledgeBase)?.answer;
  if (answer) decision.replies.push(`${answer}\n${talkToAGendarme(state.language)}`);
  return decision;
}

/** The queue an emergency without a topic joins: the sensitive queue of the most urgent priority class, if any. */
export function emergencyQueue(topics: readonly Topic[]): Topic | undefined {
  return topics.filter((topic) => topic.sensitive).sort((a, b) => a.priority - b.priority)[0];
}

/** An article of the knowledge base recognised in a citizen's message. */
export interface RecognisedArticle {
  articleKey: string;
  language: string;
  /** The answer in plain text, in the conversation's language when a translation exists. */
  text: string;
}

function talkToAGendarme(language: CitizenLanguage): string {
  return TALK_TO_A_GENDARME_TEXTS[language];
}

function applyTopic(decision: TriageDecision, state: TriageState, topic: Topic): void {
  decision.topicChosen = true;
  decision.queue = topic.queue;
  decision.sensitive = topic.sensitive;
  if (topic.priority < state.priority) decision.priority = topic.priority;
  decision.replies.push(TOPIC_CONFIRMED[state.language].replace('{topic}', topic.label[state.language]));
}

/**
 * Whether the decision for this message could use an answer from the knowledge base: not for danger wording nor for a
 * choice in the topic menu (those decide without it), nor once the conversation no longer waits. Why: the search costs a
 * transaction of four statements, and in a surge every citizen answers the menu.
 */
export function mayAnswerFromKnowledge(state: Pick<TriageState, 'status' | 'topicChosen'>, text: string, topics: readonly Topic[]): boolean {
  if (state.status !== 'waiting') return false;
  if (!state.topicChosen && parseTopicChoice(text, topics) !== null) return false;
  return !assessEmergency(text).emergency;
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

import { DEFAULT_KNOWLEDGE_BASE, TALK_TO_A_GENDARME } from './knowledge-base';
import { EMERGENCY_MESSAGE, TriageState, decideTriage } from './triage-policy';
import { parseTopicChoice, topicMenu } from './topics';

const waiting: TriageState = {
  status: 'waiting',
  priority: 2,
  language: 'fr',
  firstMessage: false,
  topicChosen: false,
  emergencyNotified: false,
  surge: false,
};

describe('decideTriage', () => {
  it('answers danger wording at once with 17 / 112 / 114 and emergency priority, before anything else', () => {
    const decision = decideTriage({ ...waiting, firstMessage: true }, 'il me frappe', DEFAULT_KNOWLEDGE_BASE);
    expect(decision.priority).toBe(0);
    expect(decision.replies).toEqual([EMERGENCY_MESSAGE.fr]);
    expect(decision.replies[0]).toMatch(/17.*112.*114/);
    expect(decision.emergency).toEqual({ matched: 'il me frappe' });
  });

  it('treats the explicit emergency choice like danger wording', () => {
    expect(decideTriage(waiting, '0').priority).toBe(0);
    expect(decideTriage(waiting, 'TOPIC_emergency').priority).toBe(0);
  });

  it('still raises an assigned conversation to emergency, but gives the numbers only once', () => {
    const assigned = { ...waiting, status: 'assigned' as const, topicChosen: true };
    expect(decideTriage(assigned, 'il a un couteau').replies).toEqual([EMERGENCY_MESSAGE.fr]);
    const again = decideTriage({ ...assigned, priority: 0, emergencyNotified: true }, 'il a un couteau');
    expect(again.replies).toEqual([]);
    expect(again.priority).toBeNull();
  });

  it('greets a new conversation with the numbered topic menu', () => {
    const decision = decideTriage({ ...waiting, firstMessage: true }, 'Bonjour');
    expect(decision.replies).toEqual([topicMenu('fr')]);
    expect(decision.replies[0]).toMatch(/0\. C’est une urgence/);
  });

  it('sets queue, priority and victim safety from a chosen topic, and stops asking', () => {
    const decision = decideTriage(waiting, '3');
    expect(decision).toMatchObject({ queue: 'violence', priority: 1, sensitive: true, topicChosen: true });
    expect(decideTriage(waiting, 'TOPIC_recruitment')).toMatchObject({ queue: 'recruitment', priority: null });
    const chosen = decideTriage({ ...waiting, topicChosen: true }, '3');
    expect(chosen.queue).toBeNull();
  });

  it('answers a frequent question and always offers a gendarme', () => {
    const decision = decideTriage(waiting, 'comment faire une procuration pour voter ?');
    expect(decision.replies).toHaveLength(1);
    expect(decision.replies[0]).toMatch(/maprocuration\.gouv\.fr/);
    expect(decision.replies[0]).toContain(TALK_TO_A_GENDARME);
  });

  it('stays silent once a gendarme holds the conversation, except for danger', () => {
    const assigned = { ...waiting, status: 'assigned' as const };
    expect(decideTriage(assigned, 'comment faire une procuration ?').replies).toEqual([]);
    expect(decideTriage(assigned, '2').queue).toBeNull();
  });

  it('warns of longer waits and pushes the surge questions first in surge mode', () => {
    const decision = decideTriage({ ...waiting, firstMessage: true, surge: true }, 'Bonjour', DEFAULT_KNOWLEDGE_BASE);
    expect(decision.replies[0]).toMatch(/beaucoup de demandes/);
    const surgeAnswers = DEFAULT_KNOWLEDGE_BASE.filter((entry) => entry.surge).map((entry) => entry.answer);
    expect(decision.replies.slice(1, 1 + surgeAnswers.length)).toEqual(surgeAnswers);
    expect(decision.replies.at(-1)).toBe(topicMenu('fr'));
  });
});

describe('parseTopicChoice', () => {
  it.each([
    ['1', 'general'],
    ['2.', 'offence'],
    ['3)', 'violence'],
    ['TOPIC_procedure', 'procedure'],
    ['recrutement', 'recruitment'],
    ['harcèlement', 'violence'],
  ])('reads %p as the %s queue', (text, queue) => {
    const choice = parseTopicChoice(text);
    expect(choice?.kind === 'topic' && choice.topic.queue).toBe(queue);
  });

  it('recognises a request for a human and ignores ordinary long sentences', () => {
    expect(parseTopicChoice('Parler à un gendarme')).toEqual({ kind: 'human' });
    expect(parseTopicChoice('9')).toBeNull();
    expect(parseTopicChoice('Bonjour je voudrais savoir comment se passe la suite de mon dossier de vol')).toBeNull();
  });
});

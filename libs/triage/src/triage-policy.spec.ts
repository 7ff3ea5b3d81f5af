import { DEFAULT_KNOWLEDGE_BASE, TALK_TO_A_GENDARME } from './knowledge-base';
import { EMERGENCY_MESSAGE, TriageState, changesNothing, decideTriage, mayAnswerFromKnowledge, triageIgnoresOnceAssigned } from './triage-policy';
import { QueueTopicSource, parseTopicChoice, topicMenu, topicsFromQueues } from './topics';

/** The five topics the queues table is seeded with (migration Administration), in their triage positions. */
const SEEDED_QUEUES: QueueTopicSource[] = [
  { key: 'general', nameFr: 'Une question, un renseignement', nameEn: 'A question, information', priority: 2, sensitive: false, active: true, triagePosition: 1, triageKeywords: ['question', 'renseignement', 'information', 'info'] },
  { key: 'offence', nameFr: 'Signaler une infraction (vol, arnaque, dégradation…)', nameEn: 'Report an offence (theft, scam, damage…)', priority: 2, sensitive: false, active: true, triagePosition: 2, triageKeywords: ['signaler', 'infraction', 'vol', 'vole', 'arnaque', 'escroquerie', 'cambriolage', 'plainte'] },
  { key: 'violence', nameFr: 'Violences, dont violences sexuelles et sexistes', nameEn: 'Violence, including sexual and gender-based violence', priority: 1, sensitive: true, active: true, triagePosition: 3, triageKeywords: ['violence', 'violences', 'harcelement', 'agression', 'conjugale', 'sexuelle', 'sexiste'] },
  { key: 'procedure', nameFr: 'Suivre une procédure en cours', nameEn: 'Follow up a case', priority: 3, sensitive: false, active: true, triagePosition: 4, triageKeywords: ['procedure', 'suivi', 'dossier', 'convocation'] },
  { key: 'recruitment', nameFr: 'Devenir gendarme (recrutement)', nameEn: 'Joining the Gendarmerie', priority: 3, sensitive: false, active: true, triagePosition: 5, triageKeywords: ['recrutement', 'devenir gendarme', 'concours', 'engager', 'reserviste', 'reserve'] },
];
const TOPICS = topicsFromQueues(SEEDED_QUEUES);

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
    const decision = decideTriage({ ...waiting, firstMessage: true }, 'il me frappe', TOPICS, DEFAULT_KNOWLEDGE_BASE);
    expect(decision.priority).toBe(0);
    expect(decision.replies).toEqual([EMERGENCY_MESSAGE.fr]);
    expect(decision.replies[0]).toMatch(/17.*112.*114/);
    expect(decision.emergency).toEqual({ matched: 'il me frappe' });
  });

  it('treats the explicit emergency choice like danger wording', () => {
    expect(decideTriage(waiting, '0', TOPICS).priority).toBe(0);
    expect(decideTriage(waiting, 'TOPIC_emergency', TOPICS).priority).toBe(0);
  });

  it.each([
    ['de', 'Ein Gendarm übernimmt', 'Damit wir Sie richtig weiterleiten', 'Es ist ein Notfall'],
    ['it', 'Un gendarme prende in carico', 'Per indirizzarla meglio', 'È un’emergenza'],
    ['es', 'Un gendarme atiende su conversación', 'Para orientarle mejor', 'Es una emergencia'],
  ] as const)('speaks %s: the emergency advice and the topic menu', (language, advice, heading, emergencyChoice) => {
    const emergency = decideTriage({ ...waiting, language, firstMessage: true }, 'il me frappe', TOPICS);
    expect(emergency.replies[0]).toContain(advice);
    expect(emergency.replies[0]).toMatch(/17.*112.*114/);
    const menu = decideTriage({ ...waiting, language, firstMessage: true }, 'Hallo', TOPICS).replies.at(-1);
    expect(menu).toContain(heading);
    expect(menu).toContain(`0. ${emergencyChoice}`);
  });

  it('puts an emergency without a topic in the most urgent sensitive queue (violence), not the general one', () => {
    const decision = decideTriage({ ...waiting, firstMessage: true }, 'il me frappe', TOPICS);
    expect(decision.queue).toBe('violence');
    expect(decision.sensitive).toBe(true);
  });

  it('leaves the queue of an emergency whose citizen had already chosen a topic', () => {
    const decision = decideTriage({ ...waiting, topicChosen: true }, 'il a un couteau', TOPICS);
    expect(decision.priority).toBe(0);
    expect(decision.queue).toBeNull();
  });

  it('keeps an emergency in its queue when no queue is sensitive', () => {
    const plain = TOPICS.map((topic) => ({ ...topic, sensitive: false }));
    expect(decideTriage(waiting, 'il me frappe', plain).queue).toBeNull();
  });

  it('still raises an assigned conversation to emergency, but gives the numbers only once', () => {
    const assigned = { ...waiting, status: 'assigned' as const, topicChosen: true };
    expect(decideTriage(assigned, 'il a un couteau', TOPICS).replies).toEqual([EMERGENCY_MESSAGE.fr]);
    const again = decideTriage({ ...assigned, priority: 0, emergencyNotified: true }, 'il a un couteau', TOPICS);
    expect(again.replies).toEqual([]);
    expect(again.priority).toBeNull();
  });

  it('greets a new conversation with the numbered topic menu', () => {
    const decision = decideTriage({ ...waiting, firstMessage: true }, 'Bonjour', TOPICS);
    expect(decision.replies).toEqual([topicMenu(TOPICS, 'fr')]);
    expect(decision.replies[0]).toMatch(/0\. C’est une urgence/);
  });

  it('sets queue, priority and victim safety from a chosen topic, and stops asking', () => {
    const decision = decideTriage(waiting, '3', TOPICS);
    expect(decision).toMatchObject({ queue: 'violence', priority: 1, sensitive: true, topicChosen: true });
    expect(decideTriage(waiting, 'TOPIC_recruitment', TOPICS)).toMatchObject({ queue: 'recruitment', priority: null });
    const chosen = decideTriage({ ...waiting, topicChosen: true }, '3', TOPICS);
    expect(chosen.queue).toBeNull();
  });

  it('answers a frequent question and always offers a gendarme', () => {
    const decision = decideTriage(waiting, 'comment faire une procuration pour voter ?', TOPICS);
    expect(decision.replies).toHaveLength(1);
    expect(decision.replies[0]).toMatch(/maprocuration\.gouv\.fr/);
    expect(decision.replies[0]).toContain(TALK_TO_A_GENDARME);
  });

  it('stays silent once a gendarme holds the conversation, except for danger', () => {
    const assigned = { ...waiting, status: 'assigned' as const };
    expect(decideTriage(assigned, 'comment faire une procuration ?', TOPICS).replies).toEqual([]);
    expect(decideTriage(assigned, '2', TOPICS).queue).toBeNull();
  });

  it('warns of longer waits and pushes the surge questions first in surge mode', () => {
    const decision = decideTriage({ ...waiting, firstMessage: true, surge: true }, 'Bonjour', TOPICS, DEFAULT_KNOWLEDGE_BASE);
    expect(decision.replies[0]).toMatch(/beaucoup de demandes/);
    const surgeAnswers = DEFAULT_KNOWLEDGE_BASE.filter((entry) => entry.surge).map((entry) => entry.answer);
    expect(decision.replies.slice(1, 1 + surgeAnswers.length)).toEqual(surgeAnswers);
    expect(decision.replies.at(-1)).toBe(topicMenu(TOPICS, 'fr'));
  });

  it('in surge mode answers a recognised question first, then the honest wait and the leave-a-message offer', () => {
    const decision = decideTriage(
      { ...waiting, firstMessage: true, surge: true, leaveAMessageUrl: '/contact/' },
      'comment faire une procuration ?',
      TOPICS,
      DEFAULT_KNOWLEDGE_BASE,
    );
    expect(decision.replies[0]).toMatch(/^Faites votre demande de procuration/);
    expect(decision.replies[0]).toContain(TALK_TO_A_GENDARME);
    expect(decision.replies[1]).toMatch(/beaucoup de demandes/);
    expect(decision.replies[2]).toBe(
      'Vous préférez ne pas attendre ? Laissez-nous un message avec vos coordonnées : un gendarme vous répondra dans la journée. /contact/?lang=fr',
    );
    // Their own question was answered: the surge questions are not pushed on top of it.
    expect(decision.replies).toHaveLength(4);
    expect(decision.replies[3]).toBe(topicMenu(TOPICS, 'fr'));
  });

  it.each([
    ['en', 'Leave us a message', 'https://example.org/contact/?lang=en'],
    ['de', 'Hinterlassen Sie uns eine Nachricht', 'https://example.org/contact/?lang=de'],
    ['it', 'Ci lasci un messaggio', 'https://example.org/contact/?lang=it'],
    ['es', 'Déjenos un mensaje', 'https://example.org/contact/?lang=es'],
  ] as const)('offers the message form in %s with its language in the link', (language, words, link) => {
    const decision = decideTriage(
      { ...waiting, language, firstMessage: true, surge: true, leaveAMessageUrl: 'https://example.org/contact/' },
      'Hello',
      TOPICS,
      DEFAULT_KNOWLEDGE_BASE,
    );
    const offer = decision.replies.find((reply) => reply.includes(words));
    expect(offer).toContain(link);
  });

  it('offers no message form outside surge mode', () => {
    const decision = decideTriage({ ...waiting, firstMessage: true, leaveAMessageUrl: '/contact/' }, 'Bonjour', TOPICS, DEFAULT_KNOWLEDGE_BASE);
    expect(decision.replies.join('\n')).not.toContain('/contact/');
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
    const choice = parseTopicChoice(text, TOPICS);
    expect(choice?.kind === 'topic' && choice.topic.queue).toBe(queue);
  });

  it('recognises a request for a human and ignores ordinary long sentences', () => {
    expect(parseTopicChoice('Parler à un gendarme', TOPICS)).toEqual({ kind: 'human' });
    expect(parseTopicChoice('9', TOPICS)).toBeNull();
    expect(parseTopicChoice('Bonjour je voudrais savoir comment se passe la suite de mon dossier de vol', TOPICS)).toBeNull();
  });
});

describe('topicsFromQueues', () => {
  const queue = (key: string, changes: Partial<QueueTopicSource> = {}): QueueTopicSource => ({
    key,
    nameFr: `Sujet ${key}`,
    nameEn: `Topic ${key}`,
    priority: 2,
    sensitive: false,
    active: true,
    triagePosition: null,
    triageKeywords: [],
    ...changes,
  });

  it('offers the active queues by triage position, then those without one by key', () => {
    const topics = topicsFromQueues([
      queue('zeta'),
      queue('second', { triagePosition: 2 }),
      queue('closed', { triagePosition: 1, active: false }),
      queue('alpha'),
      queue('first', { triagePosition: 1 }),
    ]);
    expect(topics.map((topic) => topic.queue)).toEqual(['first', 'second', 'alpha', 'zeta']);
    expect(topicMenu(topics, 'en')).toBe(
      'To direct you, reply with a number:\n1. Topic first\n2. Topic second\n3. Topic alpha\n4. Topic zeta\n0. It is an emergency',
    );
  });

  it('carries the label, priority and victim-safety flag, with keywords folded like citizens\' answers', () => {
    const [topic] = topicsFromQueues([
      queue('lost-items', {
        nameFr: 'Objets trouvés',
        nameTranslations: { de: 'Fundsachen', it: ' ' },
        priority: 3,
        sensitive: true,
        triageKeywords: ['Objet Perdu', ' ', 'égaré', 'objet perdu'],
      }),
    ]);
    expect(topic).toEqual({
      queue: 'lost-items',
      // A language the administrators left blank reads the English name.
      label: { fr: 'Objets trouvés', en: 'Topic lost-items', de: 'Fundsachen', it: 'Topic lost-items', es: 'Topic lost-items' },
      priority: 3,
      sensitive: true,
      keywords: ['objet perdu', 'egare'],
    });
    expect(parseTopicChoice('J’ai égaré mes clés', [topic])).toEqual({ kind: 'topic', topic });
    expect(parseTopicChoice('TOPIC_lost-items', [topic])).toEqual({ kind: 'topic', topic });
  });

  it('never lets a queue named emergency shadow the emergency choice', () => {
    const topics = topicsFromQueues([queue('emergency', { triagePosition: 1 }), queue('general', { triagePosition: 2 })]);
    expect(topics.map((topic) => topic.queue)).toEqual(['general']);
    expect(parseTopicChoice('TOPIC_emergency', topics)).toEqual({ kind: 'emergency' });
  });

  it('numbers past nine and reads two-digit choices', () => {
    const topics = topicsFromQueues(Array.from({ length: 11 }, (_, i) => queue(`q${String(i + 1).padStart(2, '0')}`, { triagePosition: i + 1 })));
    expect(topicMenu(topics, 'fr')).toContain('\n11. Sujet q11\n0. C’est une urgence');
    const choice = parseTopicChoice('11', topics);
    expect(choice?.kind === 'topic' && choice.topic.queue).toBe('q11');
    expect(parseTopicChoice('12', topics)).toBeNull();
  });

  it('offers no menu when no queue is active: the citizen waits for a gendarme', () => {
    const decision = decideTriage({ ...waiting, firstMessage: true }, 'Bonjour', topicsFromQueues([queue('general', { active: false })]));
    expect(decision.replies).toEqual([]);
    expect(decideTriage(waiting, '1', []).queue).toBeNull();
  });
});

describe('changesNothing', () => {
  const chosen = { ...waiting, topicChosen: true };

  it('lets an ordinary message after the topic choice through without a write', () => {
    const decision = decideTriage(chosen, 'Mon vélo a été volé hier soir', TOPICS, DEFAULT_KNOWLEDGE_BASE);
    expect(changesNothing(decision, { topicChosen: true, emergencyNotified: false })).toBe(true);
  });

  it('never skips danger wording, a topic choice, the first message or a changed state', () => {
    expect(changesNothing(decideTriage(chosen, 'il me frappe', TOPICS), { topicChosen: true })).toBe(false);
    expect(changesNothing(decideTriage(waiting, '3', TOPICS), {})).toBe(false);
    expect(changesNothing(decideTriage({ ...waiting, firstMessage: true }, 'Bonjour', TOPICS), {})).toBe(false);
    const decision = decideTriage(chosen, 'Merci', TOPICS);
    expect(changesNothing(decision, { topicChosen: false })).toBe(false);
  });
});

describe('triageIgnoresOnceAssigned', () => {
  const texts = [
    'Bonjour, où en est ma plainte ?',
    'merci beaucoup',
    '1',
    '0',
    'TOPIC_emergency',
    'je veux parler à un gendarme',
    'comment porter plainte ?',
    'il me frappe',
    'Il a un couteau, venez vite',
    'je suis en danger',
    'mon voisin me menace de mort',
    '',
  ];
  const states: TriageState[] = [false, true].flatMap((topicChosen) =>
    [false, true].flatMap((emergencyNotified) =>
      [false, true].flatMap((surge) =>
        [0, 2].flatMap((priority) =>
          (['fr', 'en'] as const).map((language) => ({
            status: 'assigned' as const,
            priority,
            language,
            firstMessage: false,
            topicChosen,
            emergencyNotified,
            surge,
          })),
        ),
      ),
    ),
  );

  it('agrees with decideTriage for every assigned conversation: nothing to do exactly when it says so', () => {
    for (const text of texts) {
      for (const state of states) {
        const decision = decideTriage(state, text, TOPICS, DEFAULT_KNOWLEDGE_BASE);
        const stored = { topicChosen: state.topicChosen, emergencyNotified: state.emergencyNotified };
        expect({ text, state, ignored: changesNothing(decision, stored) }).toEqual({ text, state, ignored: triageIgnoresOnceAssigned(text) });
      }
    }
  });

  it('lets ordinary messages through and keeps danger wording for triage', () => {
    expect(triageIgnoresOnceAssigned('merci, à demain')).toBe(true);
    expect(triageIgnoresOnceAssigned('il me frappe')).toBe(false);
  });
});

describe('mayAnswerFromKnowledge', () => {
  const recognised = { articleKey: 'lost-papers', language: 'fr', text: 'Déclarez la perte en ligne.' };

  it('skips the search for a menu choice, whose decision never uses an article', () => {
    expect(mayAnswerFromKnowledge(waiting, '2', TOPICS)).toBe(false);
    expect(mayAnswerFromKnowledge(waiting, 'plainte', TOPICS)).toBe(false);
    // Same decision with or without an article: skipping the search changes nothing the citizen sees.
    expect(decideTriage(waiting, '2', TOPICS, DEFAULT_KNOWLEDGE_BASE, recognised)).toEqual(decideTriage(waiting, '2', TOPICS, DEFAULT_KNOWLEDGE_BASE, null));
  });

  it('skips it for danger wording and once the conversation no longer waits', () => {
    expect(mayAnswerFromKnowledge(waiting, 'il me frappe', TOPICS)).toBe(false);
    expect(mayAnswerFromKnowledge({ ...waiting, status: 'assigned' }, "j'ai perdu mes papiers", TOPICS)).toBe(false);
  });

  it('searches a question, and a menu number once the topic is chosen (it is then just text)', () => {
    expect(mayAnswerFromKnowledge(waiting, "j'ai perdu mes papiers", TOPICS)).toBe(true);
    expect(mayAnswerFromKnowledge({ ...waiting, topicChosen: true }, 'plainte', TOPICS)).toBe(true);
    const answered = decideTriage({ ...waiting, topicChosen: true }, "j'ai perdu mes papiers", TOPICS, DEFAULT_KNOWLEDGE_BASE, recognised);
    expect(answered.replies[0]).toContain(recognised.text);
  });
});

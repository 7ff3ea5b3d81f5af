import { EMERGENCY_MESSAGE, SURGE_MESSAGE, TALK_TO_A_GENDARME_TEXTS, leaveAMessageOffer } from './citizen-texts';
import { SystemWording } from './system-wording';
import { QueueTopicSource, topicMenu, topicsFromQueues } from './topics';
import { decideTriage } from './triage-policy';

const QUEUES: QueueTopicSource[] = [
  { key: 'general', nameFr: 'Une question, un renseignement', nameEn: 'A question, information', nameTranslations: { de: 'Eine Frage' }, priority: 2, sensitive: false, active: true, triagePosition: 1, triageKeywords: ['question'] },
  { key: 'offence', nameFr: 'Signaler une infraction', nameEn: 'Report an offence', nameTranslations: { de: 'Eine Straftat melden', it: 'Segnalare un reato', es: 'Denunciar un delito' }, priority: 2, sensitive: false, active: true, triagePosition: 2, triageKeywords: ['vol'] },
];
const TOPICS = topicsFromQueues(QUEUES);
const ACKNOWLEDGEMENTS = {
  fr: 'Bonjour, votre message est bien reçu.',
  en: 'Hello, your message has been received.',
  de: 'Guten Tag, Ihre Nachricht ist eingegangen.',
  it: 'Buongiorno, il suo messaggio è stato ricevuto.',
  es: 'Buenos días, su mensaje ha sido recibido.',
};
const URL = 'https://contact.example.fr/contact/';

describe('SystemWording: the automatic messages said earlier, worded again in the language the citizen switched to', () => {
  const wording = new SystemWording({ acknowledgements: ACKNOWLEDGEMENTS, topics: TOPICS, leaveAMessageUrl: URL });
  const waiting = { status: 'waiting' as const, priority: 2, firstMessage: true, topicChosen: false, emergencyNotified: false, surge: false };

  it('re-words the acknowledgement, the emergency advice and the whole topic menu from any language to any other', () => {
    expect(wording.reword(ACKNOWLEDGEMENTS.fr, 'en')).toBe(ACKNOWLEDGEMENTS.en);
    expect(wording.reword(ACKNOWLEDGEMENTS.de, 'es')).toBe(ACKNOWLEDGEMENTS.es);
    expect(wording.reword(EMERGENCY_MESSAGE.fr, 'it')).toBe(EMERGENCY_MESSAGE.it);
    for (const to of ['en', 'de', 'it', 'es'] as const) expect(wording.reword(topicMenu(TOPICS, 'fr'), to)).toBe(topicMenu(TOPICS, to));
    expect(wording.reword(topicMenu(TOPICS, 'de'), 'fr')).toBe(topicMenu(TOPICS, 'fr'));
  });

  it('re-words what the triage decides, reply by reply: the topic confirmation, and the surge notice with its offer', () => {
    const [confirmation] = decideTriage({ ...waiting, language: 'fr', firstMessage: false }, '2', TOPICS).replies;
    const [expected] = decideTriage({ ...waiting, language: 'es', firstMessage: false }, '2', TOPICS).replies;
    expect(wording.reword(confirmation, 'es')).toBe(expected);
    const surgeFr = `${SURGE_MESSAGE.fr}\n${leaveAMessageOffer('fr', URL)}`;
    expect(wording.reword(surgeFr, 'de')).toBe(`${SURGE_MESSAGE.de}\n${leaveAMessageOffer('de', URL)}`);
  });

  it('keeps the lines it does not know as they were said: a knowledge-base answer keeps its text, its last line follows', () => {
    const answer = `Pour déposer plainte, rendez-vous dans une brigade.\n${TALK_TO_A_GENDARME_TEXTS.fr}`;
    expect(wording.reword(answer, 'en')).toBe(`Pour déposer plainte, rendez-vous dans une brigade.\n${TALK_TO_A_GENDARME_TEXTS.en}`);
    // A menu offered before a queue was renamed: the entries still known follow, the renamed one stays.
    const older = topicMenu(TOPICS, 'fr').replace('1. Une question, un renseignement', '1. Renseignements');
    expect(wording.reword(older, 'en').split('\n')).toEqual(['To direct you, reply with a number:', '1. Renseignements', '2. Report an offence', '0. It is an emergency']);
  });

  it('leaves a text it does not know, or already in the language, unchanged', () => {
    expect(wording.reword('Le gendarme Martin vous répond.', 'en')).toBe('Le gendarme Martin vous répond.');
    expect(wording.reword(EMERGENCY_MESSAGE.en, 'en')).toBe(EMERGENCY_MESSAGE.en);
    expect(wording.reword('', 'de')).toBe('');
  });
});

import { normalise } from './text-normaliser';

export interface FaqEntry {
  id: string;
  /** Words that, all present, recognise the question (each inner list is one way to ask). */
  questions: string[][];
  answer: string;
  /** Pushed first in surge mode. */
  surge?: boolean;
}

export const TALK_TO_A_GENDARME = 'Pour parler à un gendarme, répondez « gendarme » : votre message lui parvient de toute façon.';
export const TALK_TO_A_GENDARME_EN = 'To talk to a gendarme, reply "gendarme": your message reaches them anyway.';

/** The seeded French knowledge base. Answers point to the official services; they never replace a gendarme. */
export const DEFAULT_KNOWLEDGE_BASE: FaqEntry[] = [
  {
    id: 'pre-complaint',
    questions: [['porter', 'plainte'], ['deposer', 'plainte'], ['pre', 'plainte'], ['preplainte']],
    answer:
      'Pour un vol ou une escroquerie dont l’auteur est inconnu, vous pouvez faire une pré-plainte en ligne sur ' +
      'pre-plainte-en-ligne.gouv.fr, puis signer votre plainte à la brigade au rendez-vous proposé. Pour les ' +
      'escroqueries sur internet, le service THESEE permet de porter plainte entièrement en ligne.',
    surge: true,
  },
  {
    id: 'lost-and-found',
    questions: [['objet', 'trouve'], ['objets', 'trouves'], ['perdu', 'portefeuille'], ['perdu', 'papiers'], ['perte', 'papiers']],
    answer:
      'Un objet perdu se déclare en mairie (service des objets trouvés). Pour des papiers d’identité perdus, faites ' +
      'la déclaration de perte lors de la demande de renouvellement en mairie ; en cas de vol, une plainte est nécessaire.',
  },
  {
    id: 'proxy-vote',
    questions: [['procuration'], ['voter', 'procuration'], ['vote', 'procuration']],
    answer:
      'Faites votre demande de procuration sur maprocuration.gouv.fr, puis validez-la dans n’importe quelle brigade ' +
      'ou commissariat avec une pièce d’identité. Le jour même, c’est possible mais anticipez.',
    surge: true,
  },
  {
    id: 'recruitment',
    questions: [['devenir', 'gendarme'], ['recrutement'], ['concours', 'gendarmerie'], ['reserviste']],
    answer:
      'Les métiers, concours et la réserve opérationnelle sont présentés sur lagendarmerierecrute.fr, avec les centres ' +
      'd’information et de recrutement de votre région.',
  },
  {
    id: 'operation-tranquillite',
    questions: [['tranquillite', 'vacances'], ['partir', 'vacances', 'maison'], ['operation', 'tranquillite']],
    answer:
      'L’opération tranquillité vacances : inscrivez-vous en ligne ou à la brigade avant votre départ, des patrouilles ' +
      'passeront devant votre domicile pendant votre absence.',
  },
];

/** The knowledge-base answer for a question, or null. Pure: the same question always gets the same answer. */
export function findAnswer(text: string, knowledgeBase: FaqEntry[] = DEFAULT_KNOWLEDGE_BASE): FaqEntry | null {
  const words = new Set(normalise(text).split(' '));
  const joined = normalise(text);
  for (const entry of knowledgeBase) {
    if (entry.questions.some((question) => question.every((word) => words.has(word) || joined.includes(word)))) return entry;
  }
  return null;
}

import { editDistance, normalise } from './text-normaliser';

/**
 * Danger wording, French and English, as citizens write it. Each pattern is a sequence of words that must appear in
 * order, next to each other; a word of 6 letters or more may carry one typo (shorter words are too close to
 * ordinary ones: "volé" is one letter from "violé"). Kept deliberately specific: a false
 * alarm interrupts a gendarme, a missed one is worse, so ambiguous single words are not here.
 */
const DANGER_PHRASES: string[] = [
  // someone is hitting / hurting me
  'il me frappe', 'elle me frappe', 'ils me frappent', 'on me frappe', 'me frappe', 'me tabasse', 'me bat',
  'il m a frappe', 'elle m a frappee', 'm a frappe', 'm a frappee', 'me cogne', 'il me tape', 'me viole', 'm a violee', 'm a viole',
  'veut me tuer', 'va me tuer', 'vont me tuer', 'menace de me tuer', 'menace de mort', 'me menace avec',
  // weapons
  'a un couteau', 'avec un couteau', 'sorti un couteau', 'a une arme', 'avec une arme', 'a un fusil', 'avec un fusil',
  'pistolet', 'arme a feu',
  // danger now
  'je suis en danger', 'suis en danger', 'en danger de mort', 'au secours', 'aidez moi vite', 'venez vite',
  'il est chez moi', 'enfermee', 'sequestree', 'sequestre', 'on me suit', 'il me poursuit',
  // suicide and self-harm
  'suicide', 'me suicider', 'me tuer', 'mettre fin a mes jours', 'en finir avec la vie', 'plus envie de vivre',
  'me faire du mal',
  // explicit request
  'urgence', 'c est urgent', 'urgent',
  // English
  'he is hitting me', 'she is hitting me', 'hitting me', 'beating me', 'he hit me', 'raped me', 'going to kill me',
  'wants to kill me', 'has a knife', 'with a knife', 'has a gun', 'with a gun', 'i am in danger', "i'm in danger",
  'im in danger', 'help me please', 'kill myself', 'end my life', 'emergency',
];

const PATTERNS = DANGER_PHRASES.map((phrase) => normalise(phrase).split(' '));

function wordMatches(written: string, expected: string): boolean {
  if (written === expected) return true;
  return expected.length >= 6 && editDistance(written, expected, 1) <= 1;
}

export interface EmergencyAssessment {
  emergency: boolean;
  /** The danger wording recognised, for the agent and the audit. */
  matched: string | null;
}

/** Does this message say someone is in danger now? Pure, fast, and tested against ordinary sentences too. */
export function assessEmergency(text: string): EmergencyAssessment {
  const words = normalise(text).split(' ').filter(Boolean);
  for (const pattern of PATTERNS) {
    for (let start = 0; start + pattern.length <= words.length; start++) {
      if (pattern.every((word, offset) => wordMatches(words[start + offset], word))) {
        return { emergency: true, matched: pattern.join(' ') };
      }
    }
  }
  return { emergency: false, matched: null };
}

import { randomInt } from 'node:crypto';

const ADJECTIVES = ['Bleu', 'Calme', 'Clair', 'Doux', 'Vif', 'Sage', 'Franc', 'Léger', 'Noble', 'Rapide'];
const NOUNS = ['Chêne', 'Héron', 'Renard', 'Tilleul', 'Faucon', 'Lynx', 'Saule', 'Cerf', 'Merle', 'Castor'];

/** A friendly, non-identifying name shown for anonymous citizens and sensitive conversations. */
export function newPseudonym(): string {
  return `${NOUNS[randomInt(NOUNS.length)]} ${ADJECTIVES[randomInt(ADJECTIVES.length)]} ${randomInt(100, 1000)}`;
}

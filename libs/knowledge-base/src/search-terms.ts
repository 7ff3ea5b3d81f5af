/** How a citizen's words become the terms of a knowledge-base search. Pure: unit-tested without a database. */

/** Words too common to tell two articles apart by their letters (trigram similarity ignores them). */
const STOP_WORDS = new Set(
  (
    'les des une pour est que qui quoi dans sur par pas plus mon mes mais avec ses son sont ete etre avoir fait faire comment ' +
    'quel quelle quels quelles bonjour merci svp stp vous nous ils elle elles cette ces tout tous aux peux peut veux voudrais ' +
    'dois doit puis jai suis the and how what can for you your with have has are was does did want need please hello ' +
    'der die das und wie ich ist ein eine los las una por como que del para hola che come per sono una'
  ).split(' '),
);

/**
 * Short function words of the five languages. Each text configuration drops its own language's stop words but keeps
 * the others' ("les" is a word for the English configuration): left in, they match most articles and the ranking of
 * hundreds of rows is what makes a search slow.
 */
const FUNCTION_WORDS = new Set(
  (
    'le la les un une de du des au aux et ou en a y ce se sa ta ma me te je tu il on ne ni si ai as l d j m n s t qu c ' +
    'the a an of to in on at by or is it be as my me we do if no so ' +
    'der die das den dem des ein und im in zu an auf mit von ist es ich du er sie wir ' +
    'il lo la gli le un uno una di da in con su per e ed o mi ti ci si non ' +
    'el la los las un una de del al en con por y o mi tu su se no es'
  ).split(' '),
);

export interface SearchTerms {
  /** For to_tsquery: folded words joined by "|" (any may match), function words left out. Empty when nothing is searchable. */
  tsquery: string;
  /** Folded words of four letters or more, not too common: compared by trigram similarity. */
  fuzzyWords: string[];
  /** The whole question, folded. */
  folded: string;
}

export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/(\p{L})\1{2,}/gu, '$1')
    .replace(/[^\p{L}\p{N} ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function searchTerms(text: string): SearchTerms {
  const folded = foldText(text.slice(0, 500));
  const words = [...new Set(folded.split(' ').filter((word) => /^[a-z0-9]+$/.test(word) && word.length >= 2))].slice(0, 20);
  const fuzzyWords = words.filter((word) => word.length >= 4 && !STOP_WORDS.has(word) && !/^\d+$/.test(word)).slice(0, 12);
  const textWords = words.filter((word) => !FUNCTION_WORDS.has(word) && !STOP_WORDS.has(word));
  return { tsquery: textWords.join(' | '), fuzzyWords, folded };
}

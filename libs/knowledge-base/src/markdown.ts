/**
 * The limited Markdown of article answers: paragraphs (blank line), "- " and "1. " list items, **strong** words and
 * [text](https://...) links.
 * Nothing else is interpreted anywhere; every screen shows the text as text, never as HTML.
 */

export type AnswerBlock = { kind: 'paragraph'; text: string } | { kind: 'list'; ordered: boolean; items: string[] };
export type InlinePart = { kind: 'text'; text: string } | { kind: 'strong'; text: string } | { kind: 'link'; text: string; url: string };

const LINK = /\[([^\]\n]{1,200})\]\((https:\/\/[^\s)]{1,500})\)/g;
const INLINE = /\[([^\]\n]{1,200})\]\((https:\/\/[^\s)]{1,500})\)|\*\*([^*\n]{1,200})\*\*/g;
const BULLET = /^- /;
const NUMBERED = /^\d{1,2}\. /;

export function parseAnswer(answer: string): AnswerBlock[] {
  const blocks: AnswerBlock[] = [];
  for (const chunk of answer.replace(/\r\n?/g, '\n').split(/\n\s*\n/)) {
    const lines = chunk.split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
    if (lines.length === 0) continue;
    if (lines.every((line) => BULLET.test(line))) blocks.push({ kind: 'list', ordered: false, items: lines.map((line) => line.replace(BULLET, '').trim()) });
    else if (lines.every((line) => NUMBERED.test(line))) blocks.push({ kind: 'list', ordered: true, items: lines.map((line) => line.replace(NUMBERED, '').trim()) });
    else blocks.push({ kind: 'paragraph', text: lines.join(' ') });
  }
  return blocks;
}

export function parseInline(text: string): InlinePart[] {
  const parts: InlinePart[] = [];
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    if (match.index > last) parts.push({ kind: 'text', text: text.slice(last, match.index) });
    parts.push(match[3] !== undefined ? { kind: 'strong', text: match[3] } : { kind: 'link', text: match[1], url: match[2] });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) });
  return parts;
}

/** Problems of an answer's Markdown: links that are not https, HTML tags, headings, emphasis we do not render. */
export function answerProblems(answer: string): string[] {
  const problems: string[] = [];
  if (answer.trim().length === 0) problems.push('la réponse est vide');
  if (/<\/?[a-z][^>]*>/i.test(answer)) problems.push('la réponse contient du HTML (non autorisé)');
  if (/^\s*#/m.test(answer)) problems.push('titres non autorisés (paragraphes, listes « - » et liens seulement)');
  const withoutLinks = answer.replace(LINK, '');
  if (/\]\(/.test(withoutLinks)) problems.push('lien invalide : seuls les liens [texte](https://...) sont acceptés');
  return problems;
}

/**
 * The answer as plain text for channels without rich text (Messenger, X, Bot Framework, the desk composer): links
 * become "text : https://..." (or the address alone when the text is the address) and list items "• item".
 */
export function answerAsPlainText(answer: string): string {
  const inline = (text: string) =>
    parseInline(text)
      .map((part) => (part.kind !== 'link' ? part.text : part.url.includes(part.text) ? part.url : `${part.text} : ${part.url}`))
      .join('');
  return parseAnswer(answer)
    .map((block) =>
      block.kind === 'paragraph' ? inline(block.text) : block.items.map((item, index) => `${block.ordered ? `${index + 1}.` : '•'} ${inline(item)}`).join('\n'),
    )
    .join('\n\n');
}

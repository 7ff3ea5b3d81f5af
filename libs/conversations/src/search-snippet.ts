/**
 * ts_headline marks the matching words with two control characters the stored text cannot contain (the search removes
 * them from the text first); this turns its output into plain text plus [start, end) offsets, so that the desk builds
 * <mark> elements around text nodes and never parses markup coming from a citizen.
 */
export const HIGHLIGHT_START = '\u0001';
export const HIGHLIGHT_STOP = '\u0002';

export function splitHighlights(headline: string): { snippet: string; highlights: [number, number][] } {
  let snippet = '';
  const highlights: [number, number][] = [];
  let openedAt: number | null = null;
  for (const character of headline) {
    if (character === HIGHLIGHT_START) {
      openedAt = snippet.length;
    } else if (character === HIGHLIGHT_STOP) {
      if (openedAt !== null && snippet.length > openedAt) highlights.push([openedAt, snippet.length]);
      openedAt = null;
    } else {
      snippet += character;
    }
  }
  return { snippet, highlights };
}

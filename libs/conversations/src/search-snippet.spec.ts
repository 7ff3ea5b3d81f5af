import { HIGHLIGHT_START as S, HIGHLIGHT_STOP as E, splitHighlights } from './search-snippet';

describe('search snippets', () => {
  it('turns the headline markers into offsets of plain text', () => {
    expect(splitHighlights(`On m'a volé mon ${S}véhicule${E} devant la ${S}gendarmerie${E}.`)).toEqual({
      snippet: "On m'a volé mon véhicule devant la gendarmerie.",
      highlights: [
        [16, 24],
        [35, 46],
      ],
    });
  });

  it('keeps markup typed by a citizen as characters and ignores unpaired markers', () => {
    expect(splitHighlights(`<img src=x onerror=alert(1)> ${S}vol${E}${E} ${S}`)).toEqual({
      snippet: '<img src=x onerror=alert(1)> vol ',
      highlights: [[29, 32]],
    });
  });
});

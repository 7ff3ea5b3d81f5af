import { csvCell, reportToCsv } from './reports-csv';

describe('report CSV', () => {
  it('quotes cells with separators and quotes, and defuses spreadsheet formulas', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(null)).toBe('');
  });

  it('writes one line per channel and queue, then the totals', () => {
    const csv = reportToCsv({
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-01-02T00:00:00.000Z',
      rows: [
        {
          channel: 'webchat',
          queue: 'general',
          conversations: 3,
          answered: 2,
          abandoned: 1,
          closed: 2,
          avgFirstResponseSeconds: 41.6,
          avgHandlingSeconds: null,
        },
      ],
      totals: {
        conversations: 3,
        answered: 2,
        abandoned: 1,
        closed: 2,
        avgFirstResponseSeconds: 41.6,
        avgHandlingSeconds: null,
        abandonmentRate: 1 / 3,
      },
    });
    expect(csv.split('\r\n')).toEqual([
      'channel,queue,conversations,answered,abandoned,closed,avg_first_response_s,avg_handling_s',
      'webchat,general,3,2,1,2,42,',
      'total,,3,2,1,2,42,',
      '',
    ]);
  });
});

import { parseCsv, toCsv } from './csv';

describe('CSV', () => {
  it('reads quoted fields with commas, quotes and line breaks, and numbers rows by their first line', () => {
    const rows = parseCsv('\uFEFFlogin,name\r\nmartin,"Martin, Paul"\n\nbernard,"Dit ""Le Chef""\nsur deux lignes"\npetit,Petit\n');
    expect(rows).toEqual([
      { line: 1, fields: ['login', 'name'] },
      { line: 2, fields: ['martin', 'Martin, Paul'] },
      { line: 4, fields: ['bernard', 'Dit "Le Chef"\nsur deux lignes'] },
      { line: 6, fields: ['petit', 'Petit'] },
    ]);
  });

  it('writes what it reads back, and neutralises spreadsheet formulas', () => {
    const text = toCsv(['a', 'b'], [['x,y', 'say "hi"'], ['=HYPERLINK("x")', null]]);
    expect(parseCsv(text).map((row) => row.fields)).toEqual([
      ['a', 'b'],
      ['x,y', 'say "hi"'],
      ["'=HYPERLINK(\"x\")", ''],
    ]);
  });
});

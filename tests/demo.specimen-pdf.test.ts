import { describe, expect, it } from 'vitest';
import { sniffDocumentType } from '../node/services/files/file-documents.js';
import { specimenPdf } from '../ops/demo/specimen-pdf.js';

describe('demo specimen PDF', () => {
  it('is a PDF whose cross-reference table points at each of its objects', () => {
    const bytes = specimenPdf(['SPECIMEN', 'Dossier PAR-2026-000001-K', 'Aimée Zanga (née) \\ Kolingba']);
    expect(sniffDocumentType(bytes)).toBe('application/pdf');
    const text = Buffer.from(bytes).toString('latin1');
    const xrefAt = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(text)?.[1]);
    expect(text.slice(xrefAt, xrefAt + 5)).toBe('xref\n');
    const entries = [...text.slice(xrefAt).matchAll(/^(\d{10}) 00000 n $/gm)].map((match) =>
      Number(match[1]),
    );
    expect(entries).toHaveLength(5);
    for (const [index, offset] of entries.entries()) {
      expect(text.slice(offset, offset + `${index + 1} 0 obj`.length)).toBe(`${index + 1} 0 obj`);
    }
    const length = Number(/\/Length (\d+) >>\nstream\n/.exec(text)?.[1]);
    const streamStart = text.indexOf('stream\n') + 'stream\n'.length;
    expect(text.slice(streamStart + length, streamStart + length + '\nendstream'.length)).toBe('\nendstream');
  });

  it('escapes the characters that end a PDF string, and keeps accented letters in Latin-1', () => {
    const text = Buffer.from(specimenPdf(['Zanga (née) \\ Kolingba'])).toString('latin1');
    expect(text).toContain('(Zanga \\(née\\) \\\\ Kolingba) Tj');
  });
});

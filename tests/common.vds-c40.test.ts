import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../common/vds/bytes.js';
import { decodeC40, encodeC40, VdsInputError, VdsMalformedError } from '../common/vds/index.js';

const c40 = (text: string) => toHex(encodeC40(text));

describe('C40 (Doc 9303-13; BSI TR-03137 annex B)', () => {
  it('encodes the worked examples of BSI TR-03137 annex B', () => {
    // Table 6: two characters left, completed with Shift 1.
    expect(c40('XK<CD')).toBe('EB0466A9');
    // Table 7: one character left, unlatch 0xFE then ASCII + 1.
    expect(c40('XKCD')).toBe('EB11FE45');
    // §3.2.3: "BSI01" under tag 0x0A.
    expect(c40('BSI01')).toBe('62D719C9');
  });

  it('encodes the published feature values of BSI TR-03137 annexes F, G and H', () => {
    expect(c40('47110815P')).toBe('33BE1FED20C6');
    // Annex G prints the number as T2000AKA7 but its bytes are those of T2000AK47 (as vdstools reads them).
    expect(c40('T2000AK47')).toBe('CF3519AF974C');
    expect(c40('05314000')).toBe('1A70208519A1');
    expect(c40('53123MUSTERMANNSTRASSE21')).toBe('395E26B3D9A275735BD4CD485CA17176');
    expect(c40('PA5500K11')).toBe('B77A38E596CE');
    expect(c40('21614')).toBe('26532081');
    expect(c40('D<<')).toBe('6ABC');
  });

  it('decodes them back, fillers as spaces', () => {
    expect(decodeC40(fromHex('EB0466A9'))).toBe('XK CD');
    expect(decodeC40(fromHex('EB11FE45'))).toBe('XKCD');
    expect(decodeC40(fromHex('6ABC'))).toBe('D  ');
    expect(decodeC40(new Uint8Array())).toBe('');
  });

  it('takes 2 bytes for every 3 characters, rounded up to an even count', () => {
    for (const [text, bytes] of [
      ['A', 2],
      ['AB', 2],
      ['ABC', 2],
      ['ABCD', 4],
      ['ABCDEFG', 6],
    ] as const) {
      expect(encodeC40(text)).toHaveLength(bytes);
    }
  });

  it('round-trips every string of its alphabet', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Z0-9 <]{0,90}$/), (text) => {
        expect(decodeC40(encodeC40(text))).toBe(text.replaceAll('<', ' '));
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses to encode characters outside its alphabet', () => {
    for (const text of ['abc', 'A-B', 'É', 'A\nB']) expect(() => encodeC40(text)).toThrow(VdsInputError);
  });

  it('refuses malformed bytes with a coded reason', () => {
    for (const hex of [
      'EB', // odd length
      'FA01', // above 64000
      'FE45EB11', // unlatch before the end
      'FE2E', // unlatch of "-"
      '0001', // a shift value as first character
      '66A9EB04', // Shift 1 padding before the end
      '0641', // value 1600 × 0 + …: shifts where letters belong
    ]) {
      try {
        decodeC40(fromHex(hex));
        expect.unreachable(hex);
      } catch (error) {
        expect(error).toBeInstanceOf(VdsMalformedError);
        expect((error as VdsMalformedError).code).toBe('vds_malformed');
        expect((error as VdsMalformedError).reason).toBe('bad_c40');
      }
    }
  });

  it('never throws anything but a coded refusal on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        try {
          const text = decodeC40(bytes);
          expect(text).toMatch(/^[A-Z0-9 ]*$/);
        } catch (error) {
          expect(error).toBeInstanceOf(VdsMalformedError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

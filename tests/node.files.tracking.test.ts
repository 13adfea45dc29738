import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CROCKFORD_ALPHABET,
  checkCharacter,
  generateTrackingNumber,
  parseTrackingNumber,
} from '../node/services/files/tracking-number.js';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const samples = ['PAR-7K3M-9QX2', 'YAO-0000-0000', 'PAR-ZZZZ-ZZZZ', 'BZV-A1B2-C3D4'].map((partial) => {
  const [prefix = '', a = '', b = ''] = partial.split('-');
  return `${partial}-${checkCharacter(prefix, a + b)}`;
});

// Every other symbol a typist could put in one place: letters in the prefix, base32 elsewhere.
function substitutions(tracking: string): string[] {
  const chars = [...tracking];
  const out: string[] = [];
  chars.forEach((char, index) => {
    if (char === '-') return;
    const alphabet = index < tracking.indexOf('-') ? LETTERS : CROCKFORD_ALPHABET;
    for (const other of alphabet) {
      if (other === char) continue;
      out.push(chars.map((c, i) => (i === index ? other : c)).join(''));
    }
  });
  return out;
}

function adjacentTranspositions(tracking: string): string[] {
  const compact = tracking.replaceAll('-', '');
  const out: string[] = [];
  for (let i = 0; i + 1 < compact.length; i++) {
    if (compact[i] === compact[i + 1]) continue;
    out.push(compact.slice(0, i) + compact[i + 1] + compact[i] + compact.slice(i + 2));
  }
  return out;
}

describe('node files: tracking numbers', () => {
  it('generates numbers that read back as themselves', () => {
    for (let i = 0; i < 200; i++) {
      const tracking = generateTrackingNumber('PAR');
      expect(tracking).toMatch(/^PAR-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]$/);
      expect(parseTrackingNumber(tracking, 'PAR')).toEqual({ ok: true, trackingNumber: tracking });
    }
  });

  it('reads lower case, missing dashes, spaces and O, I, L as 0, 1, 1', () => {
    const tracking = `PAR-01K1-0QX2-${checkCharacter('PAR', '01K10QX2')}`;
    const typed = ` par o1k l oqx2${tracking.at(-1)?.toLowerCase()} `;
    expect(parseTrackingNumber(typed, 'PAR')).toEqual({ ok: true, trackingNumber: tracking });
    expect(parseTrackingNumber(tracking.replace('1', 'I'), 'PAR')).toEqual({
      ok: true,
      trackingNumber: tracking,
    });
  });

  it('refuses every single-character substitution of sample numbers', () => {
    for (const sample of samples) {
      const prefix = sample.slice(0, 3);
      expect(parseTrackingNumber(sample, prefix).ok).toBe(true);
      const typos = substitutions(sample);
      expect(typos.length).toBeGreaterThan(9 * 30);
      for (const typo of typos) expect(parseTrackingNumber(typo, prefix), typo).toMatchObject({ ok: false });
    }
  });

  it('refuses every swap of two adjacent different characters', () => {
    for (const sample of samples) {
      const prefix = sample.slice(0, 3);
      for (const typo of adjacentTranspositions(sample)) {
        expect(parseTrackingNumber(typo, prefix), typo).toMatchObject({ ok: false });
      }
    }
  });

  it('refuses substitutions and swaps of random numbers (property)', () => {
    const body = fc.string({ unit: fc.constantFrom(...CROCKFORD_ALPHABET), minLength: 8, maxLength: 8 });
    fc.assert(
      fc.property(body, fc.nat(8), fc.nat(31), (code, position, shift) => {
        const tracking = `${code}${checkCharacter('PAR', code)}`;
        const chars = [...tracking];
        const current = CROCKFORD_ALPHABET.indexOf(chars[position] ?? '0');
        chars[position] = CROCKFORD_ALPHABET[(current + 1 + (shift % 31)) % 32] ?? '0';
        return !parseTrackingNumber(`PAR${chars.join('')}`, 'PAR').ok;
      }),
    );
  });

  it('says a valid number of another mission is not ours, and a typo in a prefix is a typo', () => {
    const yaounde = generateTrackingNumber('YAO');
    expect(parseTrackingNumber(yaounde, 'PAR')).toEqual({ ok: false, problem: 'other_mission' });
    const typo = `YAP${yaounde.slice(3)}`;
    expect(parseTrackingNumber(typo, 'PAR')).toEqual({ ok: false, problem: 'bad_check_character' });
  });

  it('refuses malformed numbers', () => {
    const good = samples[0] ?? '';
    for (const raw of [
      '',
      'PAR',
      good.slice(0, -1),
      `${good}7`,
      good.replace('7', 'U'),
      '1234-5678-9',
      `${good}!`,
    ]) {
      expect(parseTrackingNumber(raw, 'PAR'), raw).toMatchObject({ ok: false, problem: 'malformed' });
    }
    expect(() => generateTrackingNumber('paris')).toThrow(TypeError);
  });
});

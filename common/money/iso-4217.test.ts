import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { ISO_4217_CODES, isIsoCurrency, minorUnits } from './iso-4217.js';

/** The minor units of ISO 4217 list one, read from the XML file the data package ships beside its data. */
function listOne(): Map<string, string> {
  const path = createRequire(import.meta.url).resolve('currency-codes/iso-4217-list-one.xml');
  const entries = new Map<string, string>();
  for (const [, entry] of readFileSync(path, 'utf8').matchAll(/<CcyNtry>([\s\S]*?)<\/CcyNtry>/g)) {
    const code = /<Ccy>([A-Z]{3})<\/Ccy>/.exec(entry ?? '')?.[1];
    const digits = /<CcyMnrUnts>([^<]+)<\/CcyMnrUnts>/.exec(entry ?? '')?.[1];
    if (code && digits) entries.set(code, digits);
  }
  return entries;
}

describe('minor units of a currency', () => {
  it.each([
    ['XAF', 0],
    ['XOF', 0],
    ['EUR', 2],
    ['USD', 2],
    ['TND', 3],
    ['KWD', 3],
    ['JOD', 3],
    ['VND', 0],
    ['HUF', 2],
    ['IDR', 2],
    ['JPY', 0],
    ['CLF', 4],
  ])('gives %s %i digits, as ISO 4217 does', (currency, digits) => {
    expect(minorUnits(currency)).toBe(digits);
  });

  // The catalogue takes any three capital letters (protocol's moneySchema), so every code ISO lists
  // must answer; the expected figure comes from the ISO XML, not from the data the code reads.
  it('gives every active ISO 4217 currency the minor unit of ISO 4217 list one', () => {
    const iso = listOne();
    expect(iso.size).toBeGreaterThan(170);
    expect([...iso.keys()].sort()).toEqual([...ISO_4217_CODES].sort());
    for (const [code, digits] of iso) {
      // "N.A." (gold, SDR, the testing code): no minor unit, counted in whole units.
      expect([code, minorUnits(code)]).toEqual([code, digits === 'N.A.' ? 0 : Number(digits)]);
    }
  });

  it.each(['ABC', 'eur', 'EURO', '', 'XCG'])('refuses %j, which ISO 4217 list one does not hold', (code) => {
    expect(isIsoCurrency(code)).toBe(false);
    expect(() => minorUnits(code)).toThrow(RangeError);
    expect(() => minorUnits(code)).toThrow(`${JSON.stringify(code)} is not an active ISO 4217 currency code`);
  });
});

import { describe, expect, it } from 'vitest';
import { formatMinorUnits, formatMoney } from './format-money.js';
import { ISO_4217_CODES, minorUnits } from './iso-4217.js';

const NNBSP = '\u202f';
const NBSP = '\u00a0';

describe('money for people', () => {
  it.each([
    [75_000, 'XAF', 'fr', `75${NNBSP}000${NBSP}FCFA`],
    [6_000, 'EUR', 'fr', `60,00${NBSP}€`],
    [1_234_500, 'TND', 'fr', `1${NNBSP}234,500${NBSP}TND`],
    [150_000, 'HUF', 'fr', `1${NNBSP}500,00${NBSP}HUF`],
    [6_000, 'EUR', 'en', '€60.00'],
    [1_250, 'KWD', 'en', `KWD${NBSP}1.250`],
    [25_000, 'VND', 'en', '₫25,000'],
  ])('writes %i minor units of %s in %s as %j', (amountMinor, currency, locale, text) => {
    expect(formatMoney(amountMinor, currency, locale)).toBe(text);
  });

  it('writes Sango amounts as French ones', () => {
    for (const currency of ['XAF', 'EUR', 'TND']) {
      expect(formatMoney(-1_234_567, currency, 'sg')).toBe(formatMoney(-1_234_567, currency, 'fr'));
    }
    expect(formatMinorUnits(7_500_000, 'XAF', 'sg')).toBe(`7${NNBSP}500${NNBSP}000`);
  });

  it('writes the number alone with the currency’s decimals', () => {
    expect(formatMinorUnits(5_500_000, 'XAF', 'fr')).toBe(`5${NNBSP}500${NNBSP}000`);
    expect(formatMinorUnits(-6_050, 'EUR', 'fr')).toBe('-60,50');
    expect(formatMinorUnits(5, 'KWD', 'fr')).toBe('0,005');
  });

  it('never goes through a float: the largest exact amount keeps its last cent', () => {
    expect(formatMinorUnits(Number.MAX_SAFE_INTEGER, 'EUR', 'en')).toBe('90,071,992,547,409.91');
  });

  it.each(['fr', 'sg', 'en'])('shows every ISO 4217 currency with its ISO decimals in %s', (locale) => {
    const separator = locale === 'en' ? '.' : ',';
    for (const currency of ISO_4217_CODES) {
      const digits = minorUnits(currency);
      const number = formatMinorUnits(123_456_789, currency, locale);
      const fraction = digits === 0 ? '' : `${separator}${'123456789'.slice(-digits)}`;
      expect([currency, number.endsWith(fraction), number.includes(separator)]).toEqual([
        currency,
        true,
        digits > 0,
      ]);
      expect([currency, formatMoney(123_456_789, currency, locale).includes(number)]).toEqual([
        currency,
        true,
      ]);
    }
  });

  it('refuses a code ISO 4217 does not list, and an amount that is not whole minor units', () => {
    expect(() => formatMoney(100, 'ABC', 'fr')).toThrow(RangeError);
    expect(() => formatMoney(1.5, 'EUR', 'fr')).toThrow(TypeError);
  });
});

import { describe, expect, it } from 'vitest';
import { toDecimalString } from './decimal-amount.js';
import { ISO_4217_CODES } from './iso-4217.js';
import { parseTypedAmount, toTypedAmount } from './typed-amount.js';

describe('amounts typed by people', () => {
  it.each([
    ['60', 'EUR', 6_000],
    ['60,50', 'EUR', 6_050],
    ['60.5', 'EUR', 6_050],
    ['25 000', 'XAF', 25_000],
    ['25\u202f000', 'XAF', 25_000],
    ['1,25', 'KWD', 1_250],
    ['1,250', 'TND', 1_250],
    ['0,0001', 'CLF', 1],
  ])('reads %j %s as %i minor units', (text, currency, amountMinor) => {
    expect(parseTypedAmount(text, currency)).toBe(amountMinor);
  });

  it.each([
    ['60,5', 'XAF'],
    ['1,2345', 'KWD'],
    ['60,505', 'EUR'],
    ['-60', 'EUR'],
    ['1e3', 'EUR'],
    ['', 'EUR'],
    ['9999999999999,9999', 'CLF'],
  ])('does not read %j as an amount of %s', (text, currency) => {
    expect(parseTypedAmount(text, currency)).toBeUndefined();
  });

  it('reads back what it writes, for every ISO 4217 currency', () => {
    for (const currency of ISO_4217_CODES) {
      for (const amountMinor of [0, 7, 6_050, 123_456_789]) {
        expect([currency, parseTypedAmount(toTypedAmount(amountMinor, currency), currency)]).toEqual([
          currency,
          amountMinor,
        ]);
      }
    }
  });

  it('writes exact decimals for files and SMS', () => {
    expect(toDecimalString(123_450, 'EUR')).toBe('1234.50');
    expect(toDecimalString(25_000, 'XAF')).toBe('25000');
    expect(toDecimalString(-125, 'TND')).toBe('-0.125');
    expect(toDecimalString(-5, 'EUR')).toBe('-0.05');
    expect(toTypedAmount(6_050, 'EUR')).toBe('60,50');
  });

  it('refuses a code ISO 4217 does not list', () => {
    expect(() => parseTypedAmount('60', 'ABC')).toThrow(RangeError);
  });
});

import { minorUnits } from './iso-4217.js';

/**
 * Integer minor units as an exact decimal number of major units, by string arithmetic (never a
 * float): `1234.50` for 123450 EUR, `25000` for 25000 XAF, `-0.125` for -125 TND. For CSV files,
 * SMS and Intl's string input.
 */
export function toDecimalString(amountMinor: number, currency: string): string {
  if (!Number.isSafeInteger(amountMinor)) {
    throw new TypeError(`an amount in minor units is an integer, not ${amountMinor}`);
  }
  const digits = minorUnits(currency);
  const sign = amountMinor < 0 ? '-' : '';
  const magnitude = String(Math.abs(amountMinor));
  if (digits === 0) return `${sign}${magnitude}`;
  const padded = magnitude.padStart(digits + 1, '0');
  return `${sign}${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
}

import { minorUnits } from '../../../../common/money/index.js';

/**
 * Our minor units as the decimal string MoMo's API takes (`amount`: "Amount that will be debited
 * from the payer account", a string): 25 000 XAF → "25000", 12.50 EUR → "12.50".
 */
export function toMomoAmount(amountMinor: number, currency: string): string {
  if (!Number.isSafeInteger(amountMinor) || amountMinor < 0)
    throw new TypeError(`not an amount in minor units: ${amountMinor}`);
  const digits = minorUnits(currency);
  if (digits === 0) return String(amountMinor);
  const text = String(amountMinor).padStart(digits + 1, '0');
  return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/**
 * MoMo's amount (a string, or a number in some answers) back in our minor units; undefined when it
 * is not a plain decimal or has more decimals than the currency. Parsed as text, never as a float.
 */
export function fromMomoAmount(amount: unknown, currency: string): number | undefined {
  const text = typeof amount === 'number' ? String(amount) : amount;
  if (typeof text !== 'string') return undefined;
  const match = /^(\d{1,15})(?:\.(\d+))?$/.exec(text.trim());
  if (!match) return undefined;
  const digits = minorUnits(currency);
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > digits) return undefined;
  const minor = Number(match[1]) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  return Number.isSafeInteger(minor) ? minor : undefined;
}

import { toDecimalString } from './decimal-amount.js';
import { minorUnits } from './iso-4217.js';

/**
 * Reads an amount typed by a person (`60`, `60,50`, `60.5`, `25 000`) into integer minor units,
 * by string arithmetic (never through a float); undefined when it is not an amount of this
 * currency (more decimals than ISO 4217 gives it, or too large to count exactly).
 */
export function parseTypedAmount(text: string, currency: string): number | undefined {
  const digits = minorUnits(currency);
  const match = /^(\d{1,13})(?:[.,](\d+))?$/.exec(text.replace(/[\s\u202f]/g, ''));
  if (!match) return undefined;
  const fraction = match[2] ?? '';
  if (fraction.length > digits) return undefined;
  const amount = Number(`${match[1]}${fraction.padEnd(digits, '0')}`);
  return Number.isSafeInteger(amount) ? amount : undefined;
}

/** An amount as a person types it (`25000`, `60,50`): what parseTypedAmount reads back. */
export function toTypedAmount(amountMinor: number, currency: string): string {
  return toDecimalString(amountMinor, currency).replace('.', ',');
}

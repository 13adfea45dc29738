import { toDecimalString } from './decimal-amount.js';
import { minorUnits } from './iso-4217.js';

// Intl.NumberFormat is costly to build and cheap to reuse; locales and currencies are few.
const formats = new Map<string, Intl.NumberFormat>();

/**
 * An amount for people, with the currency's sign, in a locale: `75 000 FCFA` and `60,00 €` in
 * French, `€60.00` in English. Always the ISO 4217 number of decimals (`1 234,500 TND`), whatever
 * CLDR's display digits say. Sango (`sg`) is written as French: the CAR writes numbers that way,
 * and CLDR's Sango data puts the sign before the amount with dots between thousands.
 */
export function formatMoney(amountMinor: number, currency: string, locale: string): string {
  return numberFormat(locale, currency, true).format(decimalInput(amountMinor, currency));
}

/** The number alone, as the locale writes it with the currency's ISO 4217 decimals: `55 000`, `60,00`. */
export function formatMinorUnits(amountMinor: number, currency: string, locale: string): string {
  return numberFormat(locale, currency, false).format(decimalInput(amountMinor, currency));
}

// Intl formats a decimal string exactly (ECMA-402 ToIntlMathematicalValue): no float on the way.
function decimalInput(amountMinor: number, currency: string): Intl.StringNumericLiteral {
  return toDecimalString(amountMinor, currency) as Intl.StringNumericLiteral;
}

function numberFormat(locale: string, currency: string, withCurrency: boolean): Intl.NumberFormat {
  const key = `${locale}|${currency}|${withCurrency}`;
  let format = formats.get(key);
  if (!format) {
    const digits = minorUnits(currency);
    format = new Intl.NumberFormat(displayLocale(locale), {
      ...(withCurrency ? { style: 'currency', currency } : {}),
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    formats.set(key, format);
  }
  return format;
}

function displayLocale(locale: string): string {
  return /^sg(?:-|$)/i.test(locale) ? 'fr' : locale;
}

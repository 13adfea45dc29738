import { data } from 'currency-codes';

// ISO 4217 list one (current funds and currencies) as the currency-codes package ships it. Its
// "minor unit" column is what money means here: integer minor units, 10^digits to the major unit.
// Intl's display digits are CLDR's and differ (HUF and IDR show none, ISO gives them 2), so they
// are never asked. The entries ISO marks "N.A." (gold, SDR, the testing code) are 0 in the package.
const MINOR_UNITS: ReadonlyMap<string, number> = new Map(data.map((entry) => [entry.code, entry.digits]));

/** Every active ISO 4217 alphabetic code, as the data package lists them. */
export const ISO_4217_CODES: readonly string[] = [...MINOR_UNITS.keys()];

/** The date of the ISO 4217 list the data package follows (`2024-06-25`). */
export { publishDate as ISO_4217_PUBLISHED } from 'currency-codes';

/** True when `code` is an active ISO 4217 alphabetic code (upper case, as on the wire). */
export function isIsoCurrency(code: string): boolean {
  return MINOR_UNITS.has(code);
}

/**
 * Digits after the decimal point of a currency, its ISO 4217 minor unit: XAF 0, EUR 2, TND 3,
 * CLF 4. Throws a RangeError (as Intl does for a malformed code) for a code ISO 4217 does not list:
 * guessing 2 would show and parse amounts off by a factor of ten or a hundred.
 */
export function minorUnits(currency: string): number {
  const digits = MINOR_UNITS.get(currency);
  if (digits === undefined) {
    throw new RangeError(`${JSON.stringify(currency)} is not an active ISO 4217 currency code`);
  }
  return digits;
}

import { minorUnits } from '../../../../common/money/index.js';

// Stripe's "zero-decimal" currencies: amounts are sent in whole units (docs.stripe.com/currencies
// #zero-decimal). All but MGA have no minor unit in ISO 4217 either; MGA has 2 in ISO.
const ZERO_DECIMAL = new Set([
  'BIF',
  'CLP',
  'DJF',
  'GNF',
  'JPY',
  'KMF',
  'KRW',
  'MGA',
  'PYG',
  'RWF',
  'UGX',
  'VND',
  'VUV',
  'XAF',
  'XOF',
  'XPF',
]);
// Stripe keeps ISK two-decimal in its API though ISO 4217 gives it none (docs.stripe.com/currencies
// #special-cases): 1 króna is 100, and amounts must be multiples of 100.
const TWO_DECIMAL_IN_STRIPE = new Set(['ISK']);

/** The number of decimals Stripe's API uses for a currency (upper-case ISO 4217 code). */
export function stripeDecimals(currency: string): number {
  if (ZERO_DECIMAL.has(currency)) return 0;
  if (TWO_DECIMAL_IN_STRIPE.has(currency)) return 2;
  return minorUnits(currency);
}

/**
 * Our integer minor units (ISO 4217) as the integer Stripe expects: 25 000 XAF → 25000, 120.00 EUR
 * → 12000, 5 ISK → 500, 1 000.00 MGA → 1000. Throws a RangeError for an amount Stripe cannot
 * charge (a fraction of an ariary, a three-decimal amount whose last digit is not 0).
 */
export function toStripeAmount(amountMinor: number, currency: string): number {
  if (!Number.isSafeInteger(amountMinor)) throw new TypeError(`not an amount in minor units: ${amountMinor}`);
  const shift = stripeDecimals(currency) - minorUnits(currency);
  const amount = shift >= 0 ? amountMinor * 10 ** shift : amountMinor / 10 ** -shift;
  if (!Number.isSafeInteger(amount))
    throw new RangeError(`${amountMinor} minor units of ${currency} are not a whole amount for Stripe`);
  // Three-decimal currencies: "the least-significant digit must be 0" (docs.stripe.com/currencies).
  if (stripeDecimals(currency) === 3 && amount % 10 !== 0)
    throw new RangeError(`${currency} amounts sent to Stripe end in 0, not ${amount}`);
  return amount;
}

/** Stripe's integer amount back in our minor units; undefined when it is not a whole number of them. */
export function fromStripeAmount(amount: number, currency: string): number | undefined {
  const shift = stripeDecimals(currency) - minorUnits(currency);
  const amountMinor = shift >= 0 ? amount / 10 ** shift : amount * 10 ** -shift;
  return Number.isSafeInteger(amountMinor) ? amountMinor : undefined;
}

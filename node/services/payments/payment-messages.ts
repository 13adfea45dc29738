import type { Lang } from '../files/file-schema.js';

/** Digits after the decimal point of a currency (0 for XAF, 2 for EUR), per ISO 4217 via Intl. */
export function minorUnitDigits(currency: string): number {
  try {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2
    );
  } catch {
    return 2;
  }
}

/** An amount for a receipt or an SMS, ASCII only: `25000 XAF`, `45.50 EUR`. */
export function formatAmount(amountMinor: number, currency: string): string {
  const digits = minorUnitDigits(currency);
  if (digits === 0) return `${amountMinor} ${currency}`;
  const scale = 10 ** digits;
  const major = Math.trunc(amountMinor / scale);
  const minor = String(Math.abs(amountMinor % scale)).padStart(digits, '0');
  return `${major}.${minor} ${currency}`;
}

const RECEIPT_TEXTS: Readonly<Record<Lang, (amount: string, receipt: string) => string>> = {
  fr: (amount, receipt) => `Consulat RCA: paiement de ${amount} recu, recu no ${receipt}. Merci.`,
  sg: (amount, receipt) => `Consulat RCA: e yamba futa ti mo ${amount}, resi ${receipt}. Singila.`,
  en: (amount, receipt) => `CAR Consulate: payment of ${amount} received, receipt ${receipt}. Thank you.`,
};

/** The SMS confirming a payment; the Sango wording should be reviewed by a native speaker. */
export function paymentReceiptText(
  lang: Lang,
  amountMinor: number,
  currency: string,
  receipt: string,
): string {
  return RECEIPT_TEXTS[lang](formatAmount(amountMinor, currency), receipt);
}

import { toDecimalString } from '../../../common/money/index.js';
import type { Lang } from '../files/file-schema.js';

/** An amount for a receipt or an SMS, ASCII only: `25000 XAF`, `45.50 EUR`. */
export function formatAmount(amountMinor: number, currency: string): string {
  return `${toDecimalString(amountMinor, currency)} ${currency}`;
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

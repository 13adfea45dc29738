import { z } from 'zod';
import { isIsoCurrency } from '../../../../common/money/index.js';
import {
  type CsvTable,
  decimalToMinor,
  lineRefusal,
  missingColumns,
  type ReportLine,
  type ReportReading,
} from './report-line.js';

/**
 * The columns the node reads of Stripe's itemized balance reports (docs.stripe.com/reports/
 * report-types: "Balance change from activity" and "Payout reconciliation", itemized): one line
 * per balance transaction, amounts as decimals in major units, the currency in lower case. The
 * other columns Stripe adds (customer, card, shipping…) are read past.
 */
const REQUIRED = [
  'balance_transaction_id',
  'created_utc',
  'currency',
  'gross',
  'fee',
  'net',
  'reporting_category',
] as const;

/** Where the adapter writes our ids on the payment (payment_intent_data.metadata). */
const CHECKOUT_COLUMN = 'payment_metadata[checkout_id]';
const INVOICE_COLUMN = 'payment_metadata[invoice_id]';

const optionalId = z
  .string()
  .max(100)
  .transform((value) => value || undefined)
  .optional();

const lineSchema = z.object({
  balance_transaction_id: z
    .string()
    .regex(/^txn_\w{1,200}$/, 'un identifiant de transaction Stripe (txn_…) est attendu'),
  created_utc: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?Z?$/, 'une date AAAA-MM-JJ HH:MM:SS est attendue'),
  currency: z
    .string()
    .transform((code) => code.toUpperCase())
    .refine(isIsoCurrency, 'une devise ISO 4217 est attendue'),
  gross: z.string(),
  fee: z.string(),
  net: z.string(),
  reporting_category: z.string().min(1, 'la catégorie est vide').max(60),
  [CHECKOUT_COLUMN]: optionalId,
  [INVOICE_COLUMN]: optionalId,
});

/** Stripe's words for money paid in by a customer; refunds, fees, payouts and the rest are not payments. */
const PAYMENT_CATEGORIES = new Set(['charge', 'payment']);

/** Reads the lines of a Stripe itemized balance report already split by {@link readCsv}. */
export function readStripeBalanceReport(table: CsvTable): ReportReading {
  const absent = missingColumns(table.header, REQUIRED, 'un rapport de solde détaillé Stripe');
  if (absent) return absent;
  const lines: ReportLine[] = [];
  for (const [index, record] of table.records.entries()) {
    const lineNo = index + 1;
    const parsed = lineSchema.safeParse(record);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return lineRefusal(
        lineNo,
        `colonne « ${String(issue?.path[0] ?? '?')} » : ${issue?.message ?? 'invalide'}`,
      );
    }
    const line = parsed.data;
    const amounts = {
      gross: decimalToMinor(line.gross, line.currency),
      fee: decimalToMinor(line.fee, line.currency),
      net: decimalToMinor(line.net, line.currency),
    };
    for (const [column, value] of Object.entries(amounts))
      if (value === undefined)
        return lineRefusal(lineNo, `colonne « ${column} » : montant illisible « ${record[column]} »`);
    const { gross, fee, net } = amounts as { gross: number; fee: number; net: number };
    // Stripe: net = gross − fee. A line that does not add up was edited by hand or cut.
    if (gross - fee !== net) return lineRefusal(lineNo, 'le net n’est pas le brut moins les frais');
    lines.push({
      lineNo,
      providerTxnId: line.balance_transaction_id,
      isPayment: PAYMENT_CATEGORIES.has(line.reporting_category),
      category: line.reporting_category,
      checkoutId: line[CHECKOUT_COLUMN],
      invoiceId: line[INVOICE_COLUMN],
      occurredAt: new Date(`${line.created_utc.replace(' ', 'T').replace(/Z$/, '')}Z`).toISOString(),
      currency: line.currency,
      grossMinor: gross,
      feeMinor: fee,
      netMinor: net,
    });
  }
  return { ok: true, lines };
}

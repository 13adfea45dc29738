import type { PaymentContext } from '../payment-context.js';
import type { LineOutcome } from './line-matching.js';

/** An imported report, as listed. */
export interface SettlementImport {
  readonly id: string;
  readonly provider: string;
  readonly format: string;
  readonly fileName: string | null;
  readonly firstDay: string | null;
  readonly lastDay: string | null;
  readonly lineCount: number;
  readonly importedBy: string;
  readonly importedAt: string;
}

/** One stored line with its outcome; receiptNumber names the payment it settled. */
export interface SettlementLine {
  readonly lineNo: number;
  readonly providerTxnId: string;
  readonly category: string;
  readonly reference: string | null;
  readonly occurredAt: string;
  readonly businessDate: string;
  readonly currency: string;
  readonly grossMinor: number;
  readonly feeMinor: number;
  readonly netMinor: number;
  readonly outcome: LineOutcome;
  readonly paymentId: string | null;
  readonly receiptNumber: string | null;
  readonly expectedMinor: number | null;
}

/** A payment the node recorded that no report line settles, for a day a report covers. */
export interface MissingPayment {
  readonly paymentId: string;
  readonly invoiceId: string;
  readonly receiptNumber: string;
  readonly businessDate: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly providerRef: string | null;
}

/** What a report settles in one currency: its counted lines (matched or with a wrong amount). */
export interface SettledTotal {
  readonly currency: string;
  readonly count: number;
  readonly grossMinor: number;
  readonly feeMinor: number;
  readonly netMinor: number;
}

/** An import with each line's outcome, the payments it lacks, and its totals. */
export interface SettlementReport {
  readonly import: SettlementImport;
  readonly lines: readonly SettlementLine[];
  readonly missing: readonly MissingPayment[];
  readonly outcomes: Readonly<Record<LineOutcome | 'missing', number>>;
  readonly totals: readonly SettledTotal[];
}

const IMPORT_COLUMNS = `id, provider, format, file_name AS fileName, first_day AS firstDay, last_day AS lastDay,
  line_count AS lineCount, imported_by AS importedBy, imported_at AS importedAt`;

/** A counted line is money the node takes as settled: a duplicate or a non-payment is not. */
const COUNTED = "outcome IN ('matched', 'amount_mismatch')";

/** Imports, newest first. */
export function listSettlementImports(ctx: PaymentContext, limit = 50): SettlementImport[] {
  return ctx.store.db
    .prepare(`SELECT ${IMPORT_COLUMNS} FROM settlement_imports ORDER BY imported_at DESC, id LIMIT ?`)
    .all(limit) as SettlementImport[];
}

/** An import's lines, missing payments and totals; undefined for an unknown id. */
export function settlementReport(ctx: PaymentContext, importId: string): SettlementReport | undefined {
  const { db } = ctx.store;
  const found = db.prepare(`SELECT ${IMPORT_COLUMNS} FROM settlement_imports WHERE id = ?`).get(importId) as
    | SettlementImport
    | undefined;
  if (!found) return undefined;
  const lines = db
    .prepare(
      `SELECT s.line_no AS lineNo, s.provider_txn_id AS providerTxnId, s.category, s.reference,
         s.occurred_at AS occurredAt, s.business_date AS businessDate, s.currency, s.gross_minor AS grossMinor,
         s.fee_minor AS feeMinor, s.net_minor AS netMinor, s.outcome, s.payment_id AS paymentId,
         p.receipt_number AS receiptNumber, s.expected_minor AS expectedMinor
       FROM settlement_lines s LEFT JOIN payments p ON p.id = s.payment_id
       WHERE s.import_id = ? ORDER BY s.line_no`,
    )
    .all(importId) as SettlementLine[];
  const missing = missingPayments(ctx, found);
  const outcomes = { matched: 0, duplicate: 0, amount_mismatch: 0, unknown_reference: 0, other: 0 };
  for (const line of lines) outcomes[line.outcome] += 1;
  const totals = db
    .prepare(
      `SELECT currency, count(*) AS count, sum(gross_minor) AS grossMinor, sum(fee_minor) AS feeMinor,
         sum(net_minor) AS netMinor
       FROM settlement_lines WHERE import_id = ? AND ${COUNTED} GROUP BY currency ORDER BY currency`,
    )
    .all(importId) as SettledTotal[];
  return { import: found, lines, missing, outcomes: { ...outcomes, missing: missing.length }, totals };
}

/** The provider's payments of the days the import covers that no line of any import settles. */
function missingPayments(ctx: PaymentContext, found: SettlementImport): MissingPayment[] {
  if (found.firstDay === null || found.lastDay === null) return [];
  return ctx.store.db
    .prepare(
      `SELECT p.id AS paymentId, p.invoice_id AS invoiceId, p.receipt_number AS receiptNumber,
         p.business_date AS businessDate, p.amount_minor AS amountMinor, p.currency, p.provider_ref AS providerRef
       FROM payments p
       WHERE p.method = 'online' AND p.provider = ? AND p.business_date BETWEEN ? AND ?
         AND NOT EXISTS (SELECT 1 FROM settlement_lines s WHERE s.payment_id = p.id AND s.${COUNTED})
       ORDER BY p.business_date, p.receipt_number`,
    )
    .all(found.provider, found.firstDay, found.lastDay) as MissingPayment[];
}

import type { Store } from '../../db/store.js';

/** One line of an invoice. */
export interface InvoiceLine {
  readonly code: string;
  readonly label: string;
  readonly quantity: number;
  readonly unitMinor: number;
  readonly amountMinor: number;
}

/** An invoice with its lines and what was paid and refunded against it. */
export interface Invoice {
  readonly id: string;
  readonly fileId: string | null;
  readonly personId: string | null;
  readonly serviceCode: string;
  readonly currency: string;
  readonly totalMinor: number;
  readonly state: 'open' | 'paid' | 'cancelled';
  readonly lines: readonly InvoiceLine[];
  readonly paidMinor: number;
  readonly refundedMinor: number;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly paidAt: string | null;
}

/** A payment, with its receipt number and what was refunded of it. */
export interface Payment {
  readonly id: string;
  readonly invoiceId: string;
  readonly receiptNumber: string;
  readonly method: 'cash' | 'online';
  readonly amountMinor: number;
  readonly currency: string;
  readonly cashbox: string | null;
  readonly provider: string | null;
  readonly providerRef: string | null;
  readonly businessDate: string;
  readonly recordedBy: string;
  readonly recordedAt: string;
  readonly refundedMinor: number;
}

const INVOICE_COLUMNS = `id, file_id AS fileId, person_id AS personId, service_code AS serviceCode, currency,
  total_minor AS totalMinor, state, created_by AS createdBy, created_at AS createdAt, paid_at AS paidAt,
  (SELECT coalesce(sum(amount_minor), 0) FROM payments p WHERE p.invoice_id = invoices.id) AS paidMinor,
  (SELECT coalesce(sum(r.amount_minor), 0) FROM refunds r JOIN payments p ON p.id = r.payment_id
    WHERE p.invoice_id = invoices.id) AS refundedMinor`;

const PAYMENT_COLUMNS = `id, invoice_id AS invoiceId, receipt_number AS receiptNumber, method,
  amount_minor AS amountMinor, currency, cashbox, provider, provider_ref AS providerRef,
  business_date AS businessDate, recorded_by AS recordedBy, recorded_at AS recordedAt,
  (SELECT coalesce(sum(amount_minor), 0) FROM refunds r WHERE r.payment_id = payments.id) AS refundedMinor`;

/** An invoice with its lines, or undefined. */
export function selectInvoice(store: Store, id: string): Invoice | undefined {
  const row = store.db.prepare(`SELECT ${INVOICE_COLUMNS} FROM invoices WHERE id = ?`).get(id) as
    | Omit<Invoice, 'lines'>
    | undefined;
  return row && { ...row, lines: selectLines(store, id) };
}

/** The invoices of a file, oldest first. */
export function selectInvoicesOfFile(store: Store, fileId: string): Invoice[] {
  const rows = store.db
    .prepare(`SELECT ${INVOICE_COLUMNS} FROM invoices WHERE file_id = ? ORDER BY created_at, id`)
    .all(fileId) as Omit<Invoice, 'lines'>[];
  return rows.map((row) => ({ ...row, lines: selectLines(store, row.id) }));
}

/** A payment, or undefined. */
export function selectPayment(store: Store, id: string): Payment | undefined {
  return store.db.prepare(`SELECT ${PAYMENT_COLUMNS} FROM payments WHERE id = ?`).get(id) as
    | Payment
    | undefined;
}

/** The payments of an invoice, in receipt order. */
export function selectPaymentsOfInvoice(store: Store, invoiceId: string): Payment[] {
  return store.db
    .prepare(
      `SELECT ${PAYMENT_COLUMNS} FROM payments WHERE invoice_id = ? ORDER BY recorded_at, receipt_number`,
    )
    .all(invoiceId) as Payment[];
}

function selectLines(store: Store, invoiceId: string): InvoiceLine[] {
  return store.db
    .prepare(
      `SELECT fee_code AS code, label, quantity, unit_minor AS unitMinor, amount_minor AS amountMinor
       FROM invoice_lines WHERE invoice_id = ? ORDER BY line_no`,
    )
    .all(invoiceId) as InvoiceLine[];
}

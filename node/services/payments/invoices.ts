import { randomUUID } from 'node:crypto';
import { immediateTransaction } from '../../db/transaction.js';
import { PaymentError, PaymentErrorCode } from './errors.js';
import { MoneyEvent, recordMoneyChange } from './money-records.js';
import { type Invoice, selectInvoice } from './money-rows.js';
import type { PaymentContext } from './payment-context.js';
import { type CreateInvoiceInput, createInvoiceSchema } from './payment-schema.js';

/**
 * Creates an invoice from fee lines the caller took from the catalogue. All lines share one
 * currency (a fee quoted in XAF and in the host currency is invoiced in the one the applicant pays
 * in); the total is computed here, in integer minor units.
 */
export function createInvoice(ctx: PaymentContext, input: CreateInvoiceInput, actor: string): Invoice {
  const valid = createInvoiceSchema.parse(input);
  const currencies = new Set(valid.lines.map((line) => line.currency));
  if (currencies.size !== 1)
    throw new PaymentError(PaymentErrorCode.MixedCurrencies, 'an invoice has one currency');
  const currency = valid.lines[0]!.currency;
  const lines = valid.lines.map((line) => ({
    code: line.code ?? valid.serviceCode,
    label: line.label,
    quantity: line.quantity,
    unitMinor: line.unitMinor,
    amountMinor: line.unitMinor * line.quantity,
  }));
  const totalMinor = lines.reduce((sum, line) => sum + line.amountMinor, 0);
  if (!Number.isSafeInteger(totalMinor) || totalMinor <= 0)
    throw new PaymentError(PaymentErrorCode.AmountMismatch, 'an invoice totals more than zero', {
      totalMinor,
    });
  const id = randomUUID();
  const at = ctx.now().toISOString();
  const { db } = ctx.store;
  immediateTransaction(db, () => {
    const personId = resolvePayer(ctx, valid.fileId, valid.personId);
    db.prepare(
      `INSERT INTO invoices (id, file_id, person_id, service_code, currency, total_minor, state, created_by, created_at)
       VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?)`,
    ).run(id, valid.fileId ?? null, personId, valid.serviceCode, currency, totalMinor, actor, at);
    const insertLine = db.prepare(
      `INSERT INTO invoice_lines (invoice_id, line_no, fee_code, label, quantity, unit_minor, amount_minor)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    lines.forEach((line, index) => {
      insertLine.run(id, index + 1, line.code, line.label, line.quantity, line.unitMinor, line.amountMinor);
    });
    recordMoneyChange(ctx, {
      kind: MoneyEvent.InvoiceCreated,
      entity: 'invoice',
      entityId: id,
      actor,
      at,
      after: { currency, totalMinor, lines },
      data: { serviceCode: valid.serviceCode, currency, totalMinor, lineCount: lines.length },
    });
  });
  return mustGetInvoice(ctx, id);
}

/** Cancels an open invoice (the applicant withdrew before paying). */
export function cancelInvoice(ctx: PaymentContext, invoiceId: string, actor: string): Invoice {
  const at = ctx.now().toISOString();
  immediateTransaction(ctx.store.db, () => {
    const invoice = mustGetInvoice(ctx, invoiceId);
    if (invoice.state !== 'open')
      throw new PaymentError(PaymentErrorCode.InvoiceNotOpen, `the invoice is ${invoice.state}`);
    ctx.store.db.prepare("UPDATE invoices SET state = 'cancelled' WHERE id = ?").run(invoiceId);
    recordMoneyChange(ctx, {
      kind: MoneyEvent.InvoiceCancelled,
      entity: 'invoice',
      entityId: invoiceId,
      actor,
      at,
      before: { state: 'open' },
      after: { state: 'cancelled' },
      data: {
        serviceCode: invoice.serviceCode,
        currency: invoice.currency,
        totalMinor: invoice.totalMinor,
      },
    });
  });
  return mustGetInvoice(ctx, invoiceId);
}

/** The invoice, or a PaymentError invoice_not_found. */
export function mustGetInvoice(ctx: PaymentContext, invoiceId: string): Invoice {
  const invoice = selectInvoice(ctx.store, invoiceId);
  if (!invoice) throw new PaymentError(PaymentErrorCode.InvoiceNotFound, `no invoice ${invoiceId}`);
  return invoice;
}

// The payer is the file's applicant unless the caller names someone else (a parent paying).
function resolvePayer(ctx: PaymentContext, fileId?: string, personId?: string): string | null {
  const { db } = ctx.store;
  const file =
    fileId === undefined ? undefined : db.prepare('SELECT person_id FROM files WHERE id = ?').get(fileId);
  if (fileId !== undefined && file === undefined)
    throw new PaymentError(PaymentErrorCode.UnknownFile, `no file ${fileId}`);
  if (personId !== undefined && db.prepare('SELECT 1 FROM people WHERE id = ?').get(personId) === undefined)
    throw new PaymentError(PaymentErrorCode.UnknownPerson, `no person ${personId}`);
  return personId ?? (file as { person_id: string } | undefined)?.person_id ?? null;
}

import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { immediateTransaction } from '../../../db/transaction.js';
import { digestRecord } from '../../audit/audit-hash.js';
import { appendAudit } from '../../audit/audit-log.js';
import { PaymentError, PaymentErrorCode } from '../errors.js';
import { businessDate, type PaymentContext } from '../payment-context.js';
import { matchLine } from './line-matching.js';
import { readMomoTransactionReport } from './momo-transaction-report.js';
import { type ReportLine, type ReportReading, readCsv } from './report-line.js';
import { readStripeBalanceReport } from './stripe-balance-report.js';

/** The largest report accepted: 5 MB is some 20,000 Stripe lines. */
export const MAX_SETTLEMENT_BYTES = 5 * 1024 * 1024;

/** A report as uploaded: the provider it is from, its bytes, the file's name for the record. */
export const settlementUploadSchema = z.strictObject({
  provider: z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/),
  csv: z.union([z.string(), z.custom<Uint8Array>((value) => value instanceof Uint8Array)]),
  fileName: z.string().trim().max(200).optional(),
});
export type SettlementUpload = z.input<typeof settlementUploadSchema>;

/** What an upload did: a new import, or the one the same file already made (nothing changed). */
export interface SettlementImportResult {
  readonly importId: string;
  readonly alreadyImported: boolean;
}

/**
 * Imports a provider's report: every line stored with its outcome, in one transaction, or nothing
 * at all when a line cannot be read (a PaymentError `settlement_malformed` with the French reason).
 * The same bytes uploaded again for the same provider find the first import and change nothing.
 */
export function importSettlement(
  ctx: PaymentContext,
  upload: SettlementUpload,
  actor: string,
): SettlementImportResult {
  const valid = settlementUploadSchema.parse(upload);
  const format = ctx.providers.get(valid.provider)?.settlementFormat;
  if (format === undefined)
    throw new PaymentError(
      PaymentErrorCode.SettlementUnsupported,
      `Aucun relevé n’est lisible pour le prestataire « ${valid.provider} » de cette mission.`,
    );
  const bytes = typeof valid.csv === 'string' ? Buffer.from(valid.csv, 'utf8') : Buffer.from(valid.csv);
  if (bytes.length > MAX_SETTLEMENT_BYTES)
    throw new PaymentError(PaymentErrorCode.SettlementMalformed, 'Fichier trop lourd : 5 Mo au plus.');
  const digest = createHash('sha256').update(bytes).digest('hex');
  const lines = readReport(format, bytes, ctx.timeZone);
  return immediateTransaction(ctx.store.db, (): SettlementImportResult => {
    const previous = ctx.store.db
      .prepare('SELECT id FROM settlement_imports WHERE provider = ? AND file_digest = ?')
      .get(valid.provider, digest) as { id: string } | undefined;
    if (previous) return { importId: previous.id, alreadyImported: true };
    const importId = randomUUID();
    const days = lines
      .filter((line) => line.isPayment)
      .map((line) => dayOf(ctx, line))
      .sort();
    ctx.store.db
      .prepare(
        `INSERT INTO settlement_imports (id, provider, format, file_digest, file_name, first_day, last_day,
           line_count, imported_by, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        importId,
        valid.provider,
        format,
        digest,
        valid.fileName ?? null,
        days[0] ?? null,
        days.at(-1) ?? null,
        lines.length,
        actor,
        ctx.now().toISOString(),
      );
    for (const line of lines) insertLine(ctx, importId, valid.provider, line);
    // Who brought which report in, and a digest of its bytes: the consul's reconciliation rests on it.
    appendAudit(ctx.store.db, {
      actor,
      action: 'settlement.imported',
      entity: 'settlement_import',
      entityId: importId,
      afterDigest: digestRecord(ctx.store.keys.audit, {
        provider: valid.provider,
        digest,
        lines: lines.length,
      }),
      at: ctx.now().toISOString(),
    });
    return { importId, alreadyImported: false };
  });
}

function readReport(format: string, bytes: Buffer, timeZone: string): readonly ReportLine[] {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  const csv = readCsv(text);
  const reading: ReportReading = !csv.ok
    ? csv
    : format === 'stripe_balance'
      ? readStripeBalanceReport(csv.table)
      : readMomoTransactionReport(csv.table, timeZone);
  if (!reading.ok) throw new PaymentError(PaymentErrorCode.SettlementMalformed, reading.message);
  return reading.lines;
}

// Inserted one by one, so that a line later in the same file sees the earlier ones as counted.
function insertLine(ctx: PaymentContext, importId: string, provider: string, line: ReportLine): void {
  const match = matchLine(ctx, provider, line);
  ctx.store.db
    .prepare(
      `INSERT INTO settlement_lines (import_id, line_no, provider, provider_txn_id, category, reference,
         occurred_at, business_date, currency, gross_minor, fee_minor, net_minor, outcome, payment_id,
         expected_minor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      importId,
      line.lineNo,
      provider,
      line.providerTxnId,
      line.category,
      line.checkoutId ?? line.invoiceId ?? null,
      line.occurredAt,
      dayOf(ctx, line),
      line.currency,
      line.grossMinor,
      line.feeMinor,
      line.netMinor,
      match.outcome,
      match.paymentId ?? null,
      match.expectedMinor ?? null,
    );
}

function dayOf(ctx: PaymentContext, line: ReportLine): string {
  return businessDate(new Date(line.occurredAt), ctx.timeZone);
}

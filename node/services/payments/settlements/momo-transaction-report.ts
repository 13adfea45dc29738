import { DateTime } from 'luxon';
import { z } from 'zod';
import { isIsoCurrency } from '../../../../common/money/index.js';
import {
  type CsvTable,
  decimalToMinor,
  lineRefusal,
  type ReportLine,
  type ReportReading,
} from './report-line.js';

/**
 * MTN MoMo's transaction export from the partner portal: one line per transaction with its
 * financial transaction id, the external id the request to pay carried (our invoice id), the
 * date in the operator's local time, amount, currency, status and the payer. The portal's
 * column names vary a little between versions: each field is found under any of its names.
 * The payer's number is read past: the node keeps no phone number from a report.
 */
const COLUMNS = {
  id: ['financial_transaction_id', 'financialtransactionid', 'transaction_id', 'id'],
  externalId: ['external_id', 'externalid', 'external_transaction_id'],
  date: ['date', 'transaction_date', 'date_time', 'created'],
  status: ['status', 'transaction_status'],
  amount: ['amount'],
  currency: ['currency'],
  fee: ['fee', 'fees'],
} as const;

type Field = keyof typeof COLUMNS;
const OPTIONAL: ReadonlySet<Field> = new Set(['fee', 'externalId']);

const lineSchema = z.object({
  id: z.string().regex(/^[\w-]{1,64}$/, 'un identifiant de transaction est attendu'),
  externalId: z
    .string()
    .max(100)
    .transform((value) => value || undefined)
    .optional(),
  date: z.string().min(1, 'la date est vide').max(40),
  status: z.string().min(1, 'le statut est vide').max(40),
  amount: z.string().min(1, 'le montant est vide'),
  currency: z
    .string()
    .transform((code) => code.toUpperCase())
    .refine(isIsoCurrency, 'une devise ISO 4217 est attendue'),
  fee: z.string().optional(),
});

/** Reads the lines of a MoMo transaction export; naive dates are in the mission's time zone. */
export function readMomoTransactionReport(table: CsvTable, timeZone: string): ReportReading {
  const columns = new Map<Field, string>();
  const absent: string[] = [];
  for (const [field, names] of Object.entries(COLUMNS) as [Field, readonly string[]][]) {
    const found = names.find((name) => table.header.includes(name));
    if (found) columns.set(field, found);
    else if (!OPTIONAL.has(field)) absent.push(names[0] ?? field);
  }
  if (absent.length > 0)
    return {
      ok: false,
      message: `Ce fichier n’est pas un export de transactions MTN MoMo : colonne${absent.length > 1 ? 's' : ''} ${absent.join(', ')} absente${absent.length > 1 ? 's' : ''}.`,
    };
  const lines: ReportLine[] = [];
  for (const [index, record] of table.records.entries()) {
    const lineNo = index + 1;
    const fields = Object.fromEntries([...columns].map(([field, column]) => [field, record[column]]));
    const parsed = lineSchema.safeParse(fields);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const column = columns.get(issue?.path[0] as Field) ?? '?';
      return lineRefusal(lineNo, `colonne « ${column} » : ${issue?.message ?? 'invalide'}`);
    }
    const line = parsed.data;
    const occurred = momoInstant(line.date, timeZone);
    if (occurred === undefined)
      return lineRefusal(lineNo, `colonne « ${columns.get('date')} » : date illisible « ${line.date} »`);
    const gross = decimalToMinor(line.amount, line.currency);
    const fee = line.fee ? decimalToMinor(line.fee, line.currency) : 0;
    if (gross === undefined)
      return lineRefusal(
        lineNo,
        `colonne « ${columns.get('amount')} » : montant illisible « ${line.amount} »`,
      );
    if (fee === undefined)
      return lineRefusal(lineNo, `colonne « ${columns.get('fee')} » : montant illisible « ${line.fee} »`);
    const status = line.status.toUpperCase();
    lines.push({
      lineNo,
      providerTxnId: line.id,
      // A request to pay that failed, expired or is still pending moved no money.
      isPayment: status === 'SUCCESSFUL',
      category: status,
      checkoutId: undefined,
      invoiceId: line.externalId,
      occurredAt: occurred,
      currency: line.currency,
      grossMinor: gross,
      feeMinor: fee,
      netMinor: gross - fee,
    });
  }
  return { ok: true, lines };
}

// `2026-03-02 10:15:22` (the portal's local time) or ISO 8601 with an offset; `02/03/2026 10:15` too.
function momoInstant(text: string, timeZone: string): string | undefined {
  const candidates = [
    DateTime.fromISO(text.replace(' ', 'T'), { zone: timeZone, setZone: false }),
    DateTime.fromFormat(text, 'dd/MM/yyyy HH:mm:ss', { zone: timeZone }),
    DateTime.fromFormat(text, 'dd/MM/yyyy HH:mm', { zone: timeZone }),
  ];
  const valid = candidates.find((candidate) => candidate.isValid);
  return valid?.toUTC().toISO() ?? undefined;
}

import { parse } from 'csv-parse/sync';
import { isIsoCurrency, minorUnits } from '../../../../common/money/index.js';

/** The report formats the node reads, one per kind of provider. */
export type SettlementFormat = 'stripe_balance' | 'momo_transactions';

/** One line of a provider's report, in the node's terms. */
export interface ReportLine {
  /** 1 for the first line after the header. */
  readonly lineNo: number;
  /** The provider's own id of the transaction (balance transaction, financial transaction). */
  readonly providerTxnId: string;
  /** Whether the line is money paid in for a payment, or anything else (payout, fee, refund, failure). */
  readonly isPayment: boolean;
  /** The provider's word for the line's kind (`charge`, `payout`, `SUCCESSFUL`…). */
  readonly category: string;
  /** What the line names of ours: a checkout id first, an invoice id else. */
  readonly checkoutId: string | undefined;
  readonly invoiceId: string | undefined;
  /** When the provider says it happened (UTC, ISO 8601). */
  readonly occurredAt: string;
  readonly currency: string;
  readonly grossMinor: number;
  readonly feeMinor: number;
  readonly netMinor: number;
}

/** Untrusted input: a report's lines, or why the file is refused (in French, for the accountant). */
export type ReportReading =
  | { readonly ok: true; readonly lines: readonly ReportLine[] }
  | { readonly ok: false; readonly message: string };

/** The largest report read: a mission's day, or a month, is a few thousand lines at most. */
export const MAX_REPORT_LINES = 50_000;

/** A CSV file read: its header keys and its records keyed by them. */
export interface CsvTable {
  readonly header: readonly string[];
  readonly records: readonly Record<string, string>[];
}

/**
 * The CSV's records keyed by header (names trimmed, lower-cased, spaces to `_`), or the French
 * reason it cannot be read. The delimiter is `,` unless the header has `;` and no `,` (a
 * spreadsheet saved in a French locale). Every line must have the header's number of columns.
 */
export function readCsv(text: string): { ok: true; table: CsvTable } | { ok: false; message: string } {
  const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const delimiter = firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';
  let rows: string[][];
  try {
    rows = parse(text, {
      bom: true,
      delimiter,
      skip_empty_lines: true,
      trim: true,
      to: MAX_REPORT_LINES + 2,
    }) as string[][];
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    return {
      ok: false,
      message: `Fichier CSV illisible${line ? ` à la ligne ${line}` : ''} : nombre de colonnes ou guillemets incorrects.`,
    };
  }
  const [names, ...data] = rows;
  if (names === undefined)
    return { ok: false, message: 'Le fichier est vide : pas même une ligne d’en-tête.' };
  if (data.length > MAX_REPORT_LINES)
    return { ok: false, message: `Fichier trop long : ${MAX_REPORT_LINES} lignes au plus par import.` };
  const header = names.map(headerKey);
  const records = data.map((row) => Object.fromEntries(header.map((key, index) => [key, row[index] ?? ''])));
  return { ok: true, table: { header, records } };
}

/** `Financial Transaction Id` → `financial_transaction_id`; `payment_metadata[x]` kept as is. */
export function headerKey(name: string): string {
  return name.trim().toLowerCase().replace(/\s+/g, '_');
}

/**
 * A decimal amount in major units (`120.00`, `-3.55`, `25000`) in integer minor units of the
 * currency, by string arithmetic; undefined when it is not one (letters, too many decimals).
 */
export function decimalToMinor(text: string, currency: string): number | undefined {
  const match = /^(-?)(\d{1,15})(?:\.(\d+))?$/.exec(text.replace(/[\s\u202f]/g, ''));
  if (!match || !isIsoCurrency(currency)) return undefined;
  const digits = minorUnits(currency);
  const fraction = (match[3] ?? '').replace(/0+$/, '');
  if (fraction.length > digits) return undefined;
  const magnitude = Number(`${match[2]}${fraction.padEnd(digits, '0')}`);
  if (!Number.isSafeInteger(magnitude)) return undefined;
  return match[1] === '-' ? -magnitude : magnitude;
}

/** The French refusal of one line: its number in the file (the header is line 1). */
export function lineRefusal(lineNo: number, problem: string): { ok: false; message: string } {
  return { ok: false, message: `Ligne ${lineNo + 1} du fichier : ${problem}.` };
}

/** The refusal of a header that lacks columns the format requires. */
export function missingColumns(
  header: readonly string[],
  required: readonly string[],
  formatName: string,
): { ok: false; message: string } | undefined {
  const absent = required.filter((column) => !header.includes(column));
  if (absent.length === 0) return undefined;
  return {
    ok: false,
    message: `Ce fichier n’est pas ${formatName} : colonne${absent.length > 1 ? 's' : ''} ${absent.join(', ')} absente${absent.length > 1 ? 's' : ''}.`,
  };
}

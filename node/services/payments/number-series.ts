import type { Store } from '../../db/store.js';

/** The numbered documents of the cash desk. */
export type NumberSeries = 'receipt' | 'refund';

/**
 * Takes the next number of a series for a year. Call it inside the transaction that writes the
 * numbered document: the counter row then commits or rolls back with it, so a failed payment gives
 * its number back and the numbers stay gapless (what auditors of a cash desk check first). The
 * write lock taken by the counter's UPDATE also serialises concurrent payments.
 */
export function nextNumber(store: Store, series: NumberSeries, year: number): number {
  const row = store.db
    .prepare(
      `INSERT INTO number_series (series, year, last_value) VALUES (?, ?, 1)
       ON CONFLICT (series, year) DO UPDATE SET last_value = last_value + 1
       RETURNING last_value`,
    )
    .get(series, year) as { last_value: number };
  return row.last_value;
}

/** `PAR-2026-000123` for receipts, `PAR-2026-R000004` for refund vouchers. */
export function formatNumber(prefix: string, series: NumberSeries, year: number, value: number): string {
  const padded = String(value).padStart(6, '0');
  return series === 'receipt' ? `${prefix}-${year}-${padded}` : `${prefix}-${year}-R${padded}`;
}

/** Allocates and formats the next number of a series for the year of a business date. */
export function allocateNumber(store: Store, prefix: string, series: NumberSeries, date: string): string {
  const year = Number(date.slice(0, 4));
  return formatNumber(prefix, series, year, nextNumber(store, series, year));
}

/** The series, year and value of a number written by {@link formatNumber}; undefined for another form. */
export function parseNumber(text: string): { series: NumberSeries; year: number; value: number } | undefined {
  const match = /^[A-Z]{3}-(\d{4})-(R?)(\d{6,})$/.exec(text);
  if (!match) return undefined;
  return { series: match[2] ? 'refund' : 'receipt', year: Number(match[1]), value: Number(match[3]) };
}

/**
 * Moves a series past a number it did not hand out itself: a receipt restored from the hub's copy,
 * written after the backup this node was restored from. The next number then follows it.
 */
export function raiseNumber(store: Store, number: string): void {
  const parsed = parseNumber(number);
  if (!parsed) return;
  store.db
    .prepare(
      `INSERT INTO number_series (series, year, last_value) VALUES (?, ?, ?)
       ON CONFLICT (series, year) DO UPDATE SET last_value = max(last_value, excluded.last_value)`,
    )
    .run(parsed.series, parsed.year, parsed.value);
}

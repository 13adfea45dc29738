import { z } from 'zod';
import { partialDateSchema } from '../../../protocol/index.js';

/**
 * A date as registers hold them (`1984`, `1984-07`, `1984-07-12`, protocol's partialDateSchema)
 * that must also exist on the calendar (no 30 February) and not lie after `today()`.
 */
export function pastPartialDateSchema(today: () => string) {
  return partialDateSchema
    .refine(isCalendarDate, 'this date does not exist')
    .refine((value) => value <= today().slice(0, value.length), 'this date is in the future');
}

/** True when a partial date names a real year, month or day (leap years included). */
export function isCalendarDate(value: string): boolean {
  const [year, month, day] = value.split('-').map(Number);
  if (year === undefined || year < 1800) return false;
  if (month === undefined || day === undefined) return true;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Today's date in UTC, `YYYY-MM-DD`, from a clock. */
export function utcDay(now: () => Date): () => string {
  return () => now().toISOString().slice(0, 10);
}

/** A zod string trimmed and bounded, for names and places. */
export const shortText = (max = 200) => z.string().trim().min(1).max(max);

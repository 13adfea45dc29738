import type { SqlParam } from '../db/database.js';
import { dayOf, type Period } from './period.js';

/**
 * Which rollup rows cover a period exactly: whole months from the monthly grain, the ragged days
 * at either end from the daily grain. Five years read ~60 monthly rows per mission and kind
 * instead of ~1,800 daily ones.
 */
export interface RollupRange {
  readonly from: string;
  readonly to: string;
  /** Whole months [monthsFrom, monthsTo); equal when the period holds no whole month. */
  readonly monthsFrom: string;
  readonly monthsTo: string;
}

/** The rollup rows of a period (see {@link RollupRange}). */
export function rollupRange(period: Period): RollupRange {
  const from = period.from;
  const to = period.to;
  const firstMonth = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), 1));
  const monthsFrom =
    firstMonth.getTime() === from.getTime()
      ? firstMonth
      : new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1));
  const monthsTo = new Date(Date.UTC(to.getUTCFullYear(), to.getUTCMonth(), 1));
  const hasMonths = monthsFrom.getTime() < monthsTo.getTime();
  return {
    from: dayOf(from),
    to: dayOf(to),
    monthsFrom: dayOf(monthsFrom),
    monthsTo: dayOf(hasMonths ? monthsTo : monthsFrom),
  };
}

/**
 * The WHERE clause that picks a period's rows of a rollup table (columns `grain`, `period_start`,
 * `mission_id`), with its parameters from `$first` on; a mission id narrows it to one mission.
 */
export function rollupWhere(
  period: Period,
  missionId: string | undefined,
  first = 1,
): { sql: string; params: SqlParam[] } {
  const range = rollupRange(period);
  const [from, to, monthsFrom, monthsTo, mission] = [0, 1, 2, 3, 4].map((i) => `$${first + i}`);
  const sql = `((grain = 'd' AND period_start >= ${from}::date AND period_start < ${to}::date
       AND NOT (period_start >= ${monthsFrom}::date AND period_start < ${monthsTo}::date))
    OR (grain = 'm' AND period_start >= ${monthsFrom}::date AND period_start < ${monthsTo}::date))
   AND (${mission}::text IS NULL OR mission_id = ${mission}::text)`;
  return { sql, params: [range.from, range.to, range.monthsFrom, range.monthsTo, missionId ?? null] };
}

import { DateTime } from 'luxon';
import type { Closure, OpeningRange } from '../../services/appointments/calendar.js';

/** Opening hours of one weekday, as the mission page lists them. */
export interface WeekdayHours {
  /** ISO weekday, 1 = Monday. */
  readonly weekday: number;
  readonly ranges: readonly { opens: string; closes: string }[];
}

/** One coming closure, its days resolved for the years ahead. */
export interface ComingClosure {
  readonly firstDay: string;
  readonly lastDay: string;
  readonly reason: string;
}

/** The week from Monday to Sunday, a weekday without hours listed as closed (no ranges). */
export function weekHours(ranges: readonly OpeningRange[]): WeekdayHours[] {
  return [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
    weekday,
    ranges: ranges
      .filter((range) => range.weekday === weekday)
      .map((range) => ({ opens: range.opens, closes: range.closes })),
  }));
}

/**
 * Closures that end on or after `today` and start within `days` days, soonest first; a yearly
 * closure is given its next occurrence (the one in progress, or the coming one).
 */
export function comingClosures(
  closures: readonly Closure[],
  today: string,
  options: { days?: number; limit?: number } = {},
): ComingClosure[] {
  const until = DateTime.fromISO(today, { zone: 'utc' })
    .plus({ days: options.days ?? 365 })
    .toISODate();
  return closures
    .map((closure) => (closure.yearly ? nextYearly(closure, today) : closure))
    .filter((closure) => closure.lastDay >= today && until !== null && closure.firstDay <= until)
    .map(({ firstDay, lastDay, reason }) => ({ firstDay, lastDay, reason }))
    .sort((a, b) => a.firstDay.localeCompare(b.firstDay))
    .slice(0, options.limit ?? 12);
}

function nextYearly(closure: Closure, today: string): ComingClosure {
  const year = Number(today.slice(0, 4));
  const first = closure.firstDay.slice(5);
  const last = closure.lastDay.slice(5);
  // A closure across New Year (12-24 → 01-02) ends in the year after it starts.
  const wraps = last < first;
  for (const start of [year - 1, year, year + 1]) {
    const end = wraps ? start + 1 : start;
    const occurrence = { firstDay: `${start}-${first}`, lastDay: `${end}-${last}`, reason: closure.reason };
    if (occurrence.lastDay >= today) return occurrence;
  }
  return { firstDay: `${year + 1}-${first}`, lastDay: `${year + 1}-${last}`, reason: closure.reason };
}

/** Today's date in the mission's time zone, `YYYY-MM-DD`. */
export function missionToday(now: Date, zone: string): string {
  return DateTime.fromJSDate(now).setZone(zone).toISODate() ?? now.toISOString().slice(0, 10);
}

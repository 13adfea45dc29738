import { dayOf, type Period } from './period.js';

const DAY_MS = 86_400_000;

/** Part of one UTC day: [from, to), both inside the day `day` (`YYYY-MM-DD`). */
export interface PartialDay {
  readonly day: string;
  readonly from: Date;
  readonly to: Date;
}

/**
 * A span of instants cut at UTC midnights, the days of the rollups (migration 006 files each event
 * under `(at AT TIME ZONE 'UTC')::date`, whatever the session's time zone): the whole days inside,
 * which the rollups answer for, and the partial days at either edge, which only the events can.
 */
export interface DaySplit {
  /** The whole days inside the span; `from` equals `to` when there is none. */
  readonly wholeDays: Period;
  /** The partial days at the start and at the end, left out when empty. */
  readonly partialDays: readonly PartialDay[];
}

/** Cuts [from, to) at UTC midnights; a span that ends before it starts holds nothing. */
export function splitAtDays(from: Date, to: Date): DaySplit {
  const firstMidnight = new Date(Math.ceil(from.getTime() / DAY_MS) * DAY_MS);
  const lastMidnight = new Date(Math.floor(to.getTime() / DAY_MS) * DAY_MS);
  if (firstMidnight > lastMidnight) {
    // Both ends inside one day (or the span is empty): no whole day, at most one partial day.
    const partialDays = from < to ? [{ day: dayOf(from), from, to }] : [];
    return { wholeDays: { from: firstMidnight, to: firstMidnight }, partialDays };
  }
  const partialDays: PartialDay[] = [];
  if (from < firstMidnight) partialDays.push({ day: dayOf(from), from, to: firstMidnight });
  if (lastMidnight < to) partialDays.push({ day: dayOf(lastMidnight), from: lastMidnight, to });
  return { wholeDays: { from: firstMidnight, to: lastMidnight }, partialDays };
}

import { DateTime } from 'luxon';

const QUARTER_MS = 15 * 60_000;
const CACHE_LIMIT = 20_000;
const offsets = new Map<string, number>();

/**
 * The UTC offset of a time zone (minutes) in the quarter hour that holds `utcMs`, from the
 * time-zone database once per zone and quarter: asking Intl for every slot of every booking was
 * the largest cost left on the booking path. Offsets change at transitions on a quarter hour of
 * UTC — not always on the hour: Adelaide and St. John's change at half past.
 */
export function offsetAt(zone: string, utcMs: number): number {
  const quarter = Math.floor(utcMs / QUARTER_MS);
  const key = `${zone}|${quarter}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    offset = DateTime.fromMillis(quarter * QUARTER_MS, { zone }).offset;
    if (offsets.size >= CACHE_LIMIT) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

/** The instant (ms) of a wall-clock time `HH:MM` on a local day `YYYY-MM-DD` in a zone. */
export function wallTimeToUtcMs(day: string, time: string, zone: string): number {
  const wall = Date.parse(`${day}T${time.length === 5 ? `${time}:00` : time}Z`);
  // Two steps: the offset of the guessed instant, then of the instant it gives (DST edges).
  const guess = wall - offsetAt(zone, wall) * 60_000;
  return wall - offsetAt(zone, guess) * 60_000;
}

/** The local calendar day (YYYY-MM-DD) of an instant in a zone. */
export function localDayOf(utcMs: number, zone: string): string {
  return new Date(utcMs + offsetAt(zone, utcMs) * 60_000).toISOString().slice(0, 10);
}

/** ISO weekday (Monday 1 … Sunday 7) of a calendar day. */
export function isoWeekday(day: string): number {
  return ((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
}

/**
 * Arithmetic on calendar days (`YYYY-MM-DD`, validated before they get here) without a time zone:
 * a day is a day wherever the mission is. Plain `Date` on UTC midnights, because luxon for the
 * same sums was a sixth of the time of a slot listing.
 */
const DAY_MS = 86_400_000;

/** Whole days from `from` to `to`: 0 for the same day, negative when `to` comes first. */
export function daysApart(from: string, to: string): number {
  return (Date.parse(to) - Date.parse(from)) / DAY_MS;
}

/** The calendar days from `from` to `to`, both included; none when `to` comes first. */
export function calendarDays(from: string, to: string): string[] {
  const days: string[] = [];
  const last = Date.parse(to);
  for (let ms = Date.parse(from); ms <= last; ms += DAY_MS) {
    days.push(new Date(ms).toISOString().slice(0, 10));
  }
  return days;
}

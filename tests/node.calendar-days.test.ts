import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { calendarDays, daysApart } from '../node/services/appointments/calendar-days.js';

/** Every day of 2023–2028 (two leap years, every month's end, the DST changes of every zone). */
function everyDay(): string[] {
  const days: string[] = [];
  for (let day = DateTime.utc(2023, 1, 1); day.year < 2029; day = day.plus({ days: 1 }))
    days.push(day.toISODate()!);
  return days;
}

describe('calendar-day arithmetic', () => {
  const days = everyDay();

  it('counts the days between two calendar days as luxon does, in both directions', () => {
    for (let i = 0; i < days.length; i += 7) {
      for (const offset of [0, 1, 6, 30, 31, 61, 365, 366]) {
        const from = days[i]!;
        const to = days[Math.min(i + offset, days.length - 1)]!;
        const expected = DateTime.fromISO(to, { zone: 'utc' }).diff(
          DateTime.fromISO(from, { zone: 'utc' }),
          'days',
        ).days;
        expect(daysApart(from, to), `${from} → ${to}`).toBe(expected);
        expect(daysApart(to, from), `${to} → ${from}`).toBe(expected === 0 ? 0 : -expected);
      }
    }
    expect(daysApart('2028-02-28', '2028-03-01')).toBe(2);
    expect(daysApart('2027-02-28', '2027-03-01')).toBe(1);
    expect(daysApart('2026-12-31', '2027-01-01')).toBe(1);
  });

  it('lists every day of a range in order, both ends included, across months, years and 29 February', () => {
    expect(calendarDays('2023-01-01', '2028-12-31')).toEqual(days);
    expect(calendarDays('2028-02-27', '2028-03-01')).toEqual([
      '2028-02-27',
      '2028-02-28',
      '2028-02-29',
      '2028-03-01',
    ]);
    expect(calendarDays('2026-10-24', '2026-10-26')).toEqual(['2026-10-24', '2026-10-25', '2026-10-26']);
    expect(calendarDays('2026-11-27', '2026-11-27')).toEqual(['2026-11-27']);
  });

  it('lists nothing when the range ends before it starts', () => {
    expect(calendarDays('2026-11-28', '2026-11-27')).toEqual([]);
  });
});

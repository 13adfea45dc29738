import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { isoWeekday, localDayOf, wallTimeToUtcMs } from '../node/services/appointments/zone-offsets.js';

describe('mission time-zone arithmetic', () => {
  it('reads opening times on both sides of a daylight-saving change as the time-zone database does', () => {
    for (const day of ['2026-03-28', '2026-03-29', '2026-03-30', '2026-10-24', '2026-10-25', '2026-10-26']) {
      for (const time of ['08:30', '09:00', '12:30', '16:30']) {
        const expected = DateTime.fromISO(`${day}T${time}`, { zone: 'Europe/Paris' }).toMillis();
        expect(wallTimeToUtcMs(day, time, 'Europe/Paris'), `${day} ${time}`).toBe(expected);
      }
    }
    expect(new Date(wallTimeToUtcMs('2026-03-28', '09:00', 'Europe/Paris')).toISOString()).toBe(
      '2026-03-28T08:00:00.000Z',
    );
    expect(new Date(wallTimeToUtcMs('2026-03-30', '09:00', 'Europe/Paris')).toISOString()).toBe(
      '2026-03-30T07:00:00.000Z',
    );
  });

  it('follows zones whose daylight-saving change falls on the half hour of UTC', () => {
    // Adelaide (UTC+9:30/+10:30) and St. John's (UTC-3:30/-2:30): changes at 16:30 and 05:30 UTC.
    for (const [zone, day] of [
      ['Australia/Adelaide', '2026-04-05'],
      ['Australia/Adelaide', '2026-10-04'],
      ['America/St_Johns', '2026-03-08'],
      ['America/St_Johns', '2026-11-01'],
    ] as const) {
      for (let minutes = 0; minutes < 24 * 60; minutes += 15) {
        const time = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
        const local = DateTime.fromISO(`${day}T${time}`, { zone });
        const wall = (ms: number) => DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd HH:mm');
        // Wall times skipped by the change, or lived twice when clocks go back, are left aside.
        if (local.toFormat('HH:mm') !== time) continue;
        if ([-3_600_000, 3_600_000].some((shift) => wall(local.toMillis() + shift) === `${day} ${time}`))
          continue;
        expect(wallTimeToUtcMs(day, time, zone), `${zone} ${day} ${time}`).toBe(local.toMillis());
        expect(localDayOf(local.toMillis(), zone)).toBe(day);
      }
    }
  });

  it('gives the local day of an instant near midnight, in zones east and west of UTC', () => {
    expect(localDayOf(Date.parse('2026-11-26T23:30:00.000Z'), 'Africa/Douala')).toBe('2026-11-27');
    expect(localDayOf(Date.parse('2026-11-27T03:30:00.000Z'), 'America/New_York')).toBe('2026-11-26');
    expect(localDayOf(Date.parse('2026-11-26T12:00:00.000Z'), 'UTC')).toBe('2026-11-26');
  });

  it('numbers weekdays from Monday 1 to Sunday 7', () => {
    expect(isoWeekday('2026-11-23')).toBe(1);
    expect(isoWeekday('2026-11-29')).toBe(7);
  });
});

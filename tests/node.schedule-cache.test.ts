import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { addClosure, setCalendar, setOpeningHours } from '../node/services/appointments/calendar.js';
import { AppointmentError } from '../node/services/appointments/errors.js';
import { setServiceOverride } from '../node/services/catalogue/catalogue.js';
import { applicant, openMission, TUESDAY_9AM } from './_util/appointments.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function mission() {
  const opened = await openMission();
  cleanups.push(opened.cleanup);
  return opened;
}

const RENEWAL = 'passport-renewal';
const TUESDAY = '2026-03-03';

function refusalOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof AppointmentError) return error.code;
    throw error;
  }
  return undefined;
}

// Bookings keep the calendars they read until a schedule table changes: every such change must
// show at once, whoever makes it.
describe('node appointments: calendars kept between bookings', () => {
  it('sees a closure added after the calendar was read', async () => {
    const { appointments, store } = await mission();
    expect(appointments.listSlots({ serviceCode: RENEWAL, from: TUESDAY, to: TUESDAY })).not.toEqual([]);
    addClosure(store, { firstDay: TUESDAY, lastDay: TUESDAY, reason: 'Fête nationale' });
    expect(appointments.listSlots({ serviceCode: RENEWAL, from: TUESDAY, to: TUESDAY })).toEqual([]);
    const book = () =>
      appointments.book({ serviceCode: RENEWAL, slotStart: TUESDAY_9AM, ...applicant(1) }, 'test');
    expect(refusalOf(book)).toBe('closed');
  });

  it('sees new capacity and opening hours', async () => {
    const { appointments, store } = await mission();
    const first = () => appointments.listSlots({ serviceCode: RENEWAL, from: TUESDAY, to: TUESDAY })[0];
    expect(first()?.capacity).toBe(3);
    setCalendar(store, RENEWAL, { slotMinutes: 20, capacity: 5 });
    expect(first()?.capacity).toBe(5);
    setOpeningHours(store, RENEWAL, [{ weekday: 2, opens: '10:00', closes: '11:00' }]);
    expect(first()?.start).toBe('2026-03-03T09:00:00.000Z');
    const book = () =>
      appointments.book({ serviceCode: RENEWAL, slotStart: TUESDAY_9AM, ...applicant(2) }, 'test');
    expect(refusalOf(book)).toBe('outside_opening_hours');
  });

  it('sees a service withdrawn by the mission', async () => {
    const { appointments, store } = await mission();
    expect(appointments.listSlots({ serviceCode: RENEWAL, from: TUESDAY, to: TUESDAY })).not.toEqual([]);
    setServiceOverride(store, RENEWAL, { active: false }, 'admin');
    const list = () => appointments.listSlots({ serviceCode: RENEWAL, from: TUESDAY, to: TUESDAY });
    expect(refusalOf(list)).toBe('unknown_service');
  });

  it('sees a change written by another connection to the same database', async () => {
    const { appointments, path } = await mission();
    expect(appointments.listSlots({ serviceCode: RENEWAL, from: TUESDAY, to: TUESDAY })).not.toEqual([]);
    const other = new Database(path);
    try {
      other
        .prepare(
          `INSERT INTO closures (scope, first_day, last_day, yearly, reason, created_at)
           VALUES ('*', ?, ?, 0, 'Travaux', ?)`,
        )
        .run(TUESDAY, TUESDAY, new Date().toISOString());
    } finally {
      other.close();
    }
    expect(appointments.listSlots({ serviceCode: RENEWAL, from: TUESDAY, to: TUESDAY })).toEqual([]);
  });
});

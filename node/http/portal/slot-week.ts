import { DateTime } from 'luxon';
import type { Appointments } from '../../services/appointments/appointments.js';
import { missionToday } from './mission-calendar.js';

/** Weeks ahead a visitor may page through (the booking horizon is 90 days). */
const WEEKS_AHEAD = 13;

/** The free slots of one local day. */
export interface SlotDay {
  /** Local day, `YYYY-MM-DD`. */
  readonly day: string;
  readonly slots: readonly { start: string; remaining: number }[];
}

/** A week of free slots of a service, with the weeks a visitor may move to. */
export interface SlotWeek {
  readonly monday: string;
  readonly previous: string | undefined;
  readonly next: string | undefined;
  /** Days of the week with at least one free place, in order. */
  readonly days: readonly SlotDay[];
}

/**
 * The free slots of a service in the week of `requested` (a day; default this week), from today on.
 * Weeks before this one or past the horizon fall back to the nearest allowed week.
 */
export function slotWeek(
  appointments: Appointments,
  query: { serviceCode: string; zone: string; now: Date; requested?: string | undefined },
): SlotWeek {
  const today = DateTime.fromISO(missionToday(query.now, query.zone), { zone: 'utc' });
  const first = today.startOf('week');
  const last = first.plus({ weeks: WEEKS_AHEAD });
  const asked = query.requested ? DateTime.fromISO(query.requested, { zone: 'utc' }) : first;
  const monday = clamp(asked.isValid ? asked.startOf('week') : first, first, last);
  const from = DateTime.max(monday, today);
  const to = monday.plus({ days: 6 });
  const slots = appointments.listSlots({
    serviceCode: query.serviceCode,
    from: iso(from),
    to: iso(to),
  });
  const byDay = new Map<string, { start: string; remaining: number }[]>();
  for (const slot of slots) {
    if (slot.remaining <= 0) continue;
    const day = DateTime.fromISO(slot.start).setZone(query.zone).toISODate() ?? slot.start.slice(0, 10);
    byDay.set(day, [...(byDay.get(day) ?? []), { start: slot.start, remaining: slot.remaining }]);
  }
  return {
    monday: iso(monday),
    previous: monday > first ? iso(monday.minus({ weeks: 1 })) : undefined,
    next: monday < last ? iso(monday.plus({ weeks: 1 })) : undefined,
    days: [...byDay.entries()].map(([day, daySlots]) => ({ day, slots: daySlots })),
  };
}

function clamp(value: DateTime, min: DateTime, max: DateTime): DateTime {
  if (value < min) return min;
  return value > max ? max : value;
}

function iso(value: DateTime): string {
  return value.toISODate() ?? '';
}

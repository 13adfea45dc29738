import { isClosedOn } from './calendar.js';
import type { AppointmentsContext, BookableService } from './context.js';
import { AppointmentErrorCode, refuse } from './errors.js';
import { localDay, placesTaken, type SlotTimes } from './slots.js';

/**
 * The slot starting at this instant, or a refusal: a closure (`closed`), no such slot in the
 * opening hours (`outside_opening_hours`), already begun (`slot_in_past`) or too far ahead.
 */
export function resolveSlot(
  ctx: AppointmentsContext,
  service: BookableService,
  start: string,
  now: Date,
): SlotTimes {
  const day = localDay(start, ctx.zone);
  if (isClosedOn(service.view.closures, day))
    refuse(AppointmentErrorCode.Closed, `the mission is closed on ${day}`);
  const slot = service.slotsOn(day).find((candidate) => candidate.start === start);
  if (!slot)
    refuse(AppointmentErrorCode.OutsideOpeningHours, `no slot of ${service.code} starts at ${start}`);
  if (slot.start <= now.toISOString()) refuse(AppointmentErrorCode.SlotInPast, 'this slot has begun');
  if (slot.start > horizon(ctx, now)) {
    refuse(AppointmentErrorCode.BeyondHorizon, `slots open ${ctx.rules.horizonDays} days ahead`);
  }
  return slot;
}

/** The last instant a slot may start and still be booked: the horizon in whole days of 24 hours. */
export function horizon(ctx: AppointmentsContext, now: Date): string {
  return new Date(now.getTime() + ctx.rules.horizonDays * 86_400_000).toISOString();
}

/** Refuses with `slot_full` when no place is left. Must run inside the booking's immediate transaction. */
export function assertPlaceFree(
  ctx: AppointmentsContext,
  service: BookableService,
  start: string,
  now: Date,
): void {
  const taken = placesTaken(ctx.store.db, service.code, start, now);
  if (taken >= service.view.settings.capacity)
    refuse(AppointmentErrorCode.SlotFull, 'no place left in this slot');
}

/** Places left in a slot (0 when full). */
export function placesLeft(
  ctx: AppointmentsContext,
  service: BookableService,
  start: string,
  now: Date,
): number {
  return Math.max(0, service.view.settings.capacity - placesTaken(ctx.store.db, service.code, start, now));
}

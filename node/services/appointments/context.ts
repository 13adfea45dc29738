import type { CountryCode } from 'libphonenumber-js';
import type { Store } from '../../db/store.js';
import { requireActiveService } from '../catalogue/catalogue.js';
import { CatalogueError } from '../catalogue/errors.js';
import type { PeopleRepository } from '../people/people-repository.js';
import { readCalendar, readClosures, readOpeningHours } from './calendar.js';
import { AppointmentErrorCode, refuse } from './errors.js';
import type { AppointmentRules } from './rules.js';
import type { ScheduleCache } from './schedule-cache.js';
import { type CalendarView, daySlotTimes, type SlotTimes } from './slots.js';

/** What every appointment operation works with, built once by {@link createAppointments}. */
export interface AppointmentsContext {
  readonly store: Store;
  readonly people: PeopleRepository;
  /** The mission's IANA time zone (`Europe/Paris`). */
  readonly zone: string;
  /** The host country, for national phone numbers. */
  readonly region: CountryCode;
  readonly rules: AppointmentRules;
  readonly now: () => Date;
  /** The calendars read on every booking, kept until the schedule changes. */
  readonly schedule: ScheduleCache<BookableService>;
}

/** A bookable service and its calendar. */
export interface BookableService {
  readonly code: string;
  readonly view: CalendarView;
  /** The slots of a local day, ignoring closures (`daySlotTimes`, kept per day once computed). */
  slotsOn(day: string): readonly SlotTimes[];
}

/** The service's calendar, or `unknown_service` when the catalogue does not offer it. */
export function bookableService(ctx: AppointmentsContext, code: string): BookableService {
  return ctx.schedule.service(code, () => readBookableService(ctx, code));
}

function readBookableService(ctx: AppointmentsContext, code: string): BookableService {
  let minutes: number;
  try {
    minutes = requireActiveService(ctx.store, code).appointmentMinutes;
  } catch (error) {
    if (error instanceof CatalogueError) refuse(AppointmentErrorCode.UnknownService, error.message, error);
    throw error;
  }
  const { db } = ctx.store;
  const settings = readCalendar(db, code, { slotMinutes: minutes, capacity: ctx.rules.defaultCapacity });
  const view = {
    settings,
    hours: readOpeningHours(db, code),
    closures: readClosures(db, code),
    zone: ctx.zone,
  };
  const days = new Map<string, readonly SlotTimes[]>();
  return {
    code,
    view,
    slotsOn(day) {
      let slots = days.get(day);
      if (!slots) {
        // Bounded by the booking horizon in practice; a restart of the map keeps it bounded anyway.
        if (days.size >= MAX_DAYS_KEPT) days.clear();
        slots = daySlotTimes(view, day);
        days.set(day, slots);
      }
      return slots;
    },
  };
}

const MAX_DAYS_KEPT = 1_000;

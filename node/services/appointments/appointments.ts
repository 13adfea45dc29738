import type { CountryCode } from 'libphonenumber-js';
import { DateTime } from 'luxon';
import { commitGroupOf } from '../../db/commit-group.js';
import type { Store } from '../../db/store.js';
import type { PeopleRepository } from '../people/people-repository.js';
import type { AppointmentRow } from './appointment-rows.js';
import { book, bookChecked, confirm, findBooking, type HeldBooking } from './booking.js';
import { daysApart } from './calendar-days.js';
import { type Caller, cancel, reschedule } from './changes.js';
import { type AppointmentsContext, bookableService } from './context.js';
import { type CounterEntry, checkIn, counterList, markNoShows } from './counter.js';
import { AppointmentError, AppointmentErrorCode, refuse } from './errors.js';
import { expireHolds, queueReminders } from './jobs.js';
import { type UpcomingBooking, upcomingOfPhone } from './phone-bookings.js';
import { isHoldOver } from './release.js';
import { type AppointmentRulesInput, appointmentRulesSchema } from './rules.js';
import { createScheduleCache } from './schedule-cache.js';
import type {
  BookingData,
  BookingInput,
  CancelInput,
  CheckInInput,
  ConfirmInput,
  RescheduleInput,
  SlotQuery,
  WaitlistInput,
} from './schemas.js';
import { parseInput, slotQuerySchema } from './schemas.js';
import { horizon } from './slot-checks.js';
import { listOpenSlots, type Slot } from './slots.js';
import { joinWaitlist, type WaitlistEntry } from './waitlist.js';

/** What the appointment service needs. */
export interface AppointmentsDeps {
  readonly store: Store;
  readonly people: PeopleRepository;
  /** The mission's IANA time zone, in which opening hours are read. */
  readonly timeZone: string;
  /** The host country, for national phone numbers. */
  readonly defaultRegion: CountryCode;
  readonly rules?: AppointmentRulesInput;
  readonly now?: () => Date;
}

/** A booking as the applicant may see it: no personal data. */
export interface AppointmentView {
  readonly reference: string;
  readonly serviceCode: string;
  readonly slotStart: string;
  readonly slotEnd: string;
  readonly state: AppointmentRow['state'];
  readonly holdExpiresAt?: string;
}

/** The appointment book of a mission. Every refusal is an {@link AppointmentError}. */
export interface Appointments {
  listSlots(query: SlotQuery): Slot[];
  book(input: BookingInput, actor: string): HeldBooking;
  /**
   * {@link Appointments.book} with input already parsed by the booking schema's own fields (the
   * public API's body schema is built from them; a test holds the two to it): parsing it again,
   * phone number included, was 3 % of a booking over HTTP.
   */
  bookChecked(data: BookingData, actor: string): HeldBooking;
  confirm(input: ConfirmInput, actor: string): AppointmentView;
  /**
   * {@link Appointments.book} in the store's commit group: resolves once the hold is committed and
   * on disk, sharing that wait with the requests that arrived with it. What an applicant is told
   * over HTTP goes this way.
   */
  bookDurably(input: BookingInput, actor: string): Promise<HeldBooking>;
  /** {@link Appointments.bookChecked} in the store's commit group, as {@link Appointments.bookDurably}. */
  bookCheckedDurably(data: BookingData, actor: string): Promise<HeldBooking>;
  /** {@link Appointments.confirm} in the store's commit group, as {@link Appointments.bookDurably}. */
  confirmDurably(input: ConfirmInput, actor: string): Promise<AppointmentView>;
  get(reference: string): AppointmentView | undefined;
  cancel(input: CancelInput, caller: Caller): AppointmentView;
  reschedule(input: RescheduleInput, caller: Caller): AppointmentView;
  checkIn(input: CheckInInput, actor: string): AppointmentView;
  joinWaitlist(input: WaitlistInput, actor: string): WaitlistEntry;
  /** Job: ends lapsed holds and passes their places on. Returns the references expired. */
  expireHolds(): string[];
  /** Job: queues due reminders, once each. Returns the references reminded. */
  queueReminders(): string[];
  /** Job: marks missed appointments. Returns the references marked. */
  markNoShows(actor?: string): string[];
  /** The agents' list for a local day. */
  counterList(day: string, serviceCode?: string): CounterEntry[];
  /** Confirmed bookings of a phone number still to come, soonest first, at most `limit`. */
  upcomingOfPhone(phone: string, limit: number): UpcomingBooking[];
}

/** Builds the appointment service over a store. */
export function createAppointments(deps: AppointmentsDeps): Appointments {
  if (!DateTime.local().setZone(deps.timeZone).isValid)
    throw new TypeError(`unknown time zone ${deps.timeZone}`);
  const ctx: AppointmentsContext = {
    store: deps.store,
    people: deps.people,
    zone: deps.timeZone,
    region: deps.defaultRegion,
    rules: appointmentRulesSchema.parse(deps.rules ?? {}),
    now: deps.now ?? (() => new Date()),
    schedule: createScheduleCache(deps.store.db),
  };
  const view = (row: AppointmentRow) => toView(row, ctx.now());
  // Looked up per call, as the connection's group is made on first use and forgotten on close.
  const durably = <T>(work: () => T) => commitGroupOf(deps.store.db).run(work);
  return {
    listSlots: (query) => listSlots(ctx, query),
    book: (input, actor) => book(ctx, input, actor),
    bookChecked: (data, actor) => bookChecked(ctx, data, actor),
    confirm: (input, actor) => view(confirm(ctx, input, actor)),
    bookDurably: (input, actor) => durably(() => book(ctx, input, actor)),
    bookCheckedDurably: (data, actor) => durably(() => bookChecked(ctx, data, actor)),
    confirmDurably: (input, actor) => durably(() => view(confirm(ctx, input, actor))),
    get: (reference) => lookUp(ctx, reference),
    cancel: (input, caller) => view(cancel(ctx, input, caller)),
    reschedule: (input, caller) => view(reschedule(ctx, input, caller)),
    checkIn: (input, actor) => view(checkIn(ctx, input, actor)),
    joinWaitlist: (input, actor) => joinWaitlist(ctx, input, actor),
    expireHolds: () => expireHolds(ctx).map((row) => row.reference),
    queueReminders: () => queueReminders(ctx).map((row) => row.reference),
    markNoShows: (actor) => markNoShows(ctx, actor).map((row) => row.reference),
    counterList: (day, serviceCode) => counterList(ctx, day, serviceCode),
    upcomingOfPhone: (phone, limit) => upcomingOfPhone(ctx, phone, limit),
  };
}

function listSlots(ctx: AppointmentsContext, query: SlotQuery): Slot[] {
  const data = parseInput(slotQuerySchema, query);
  const days = daysApart(data.from, data.to);
  if (!(days >= 0 && days < ctx.rules.maxRangeDays)) {
    refuse(AppointmentErrorCode.InvalidInput, `from..to must span 1 to ${ctx.rules.maxRangeDays} days`);
  }
  const service = bookableService(ctx, data.serviceCode);
  const now = ctx.now();
  return listOpenSlots(ctx.store.db, service, {
    ...data,
    now,
    until: new Date(horizon(ctx, now)),
  });
}

function lookUp(ctx: AppointmentsContext, reference: string): AppointmentView | undefined {
  try {
    return toView(findBooking(ctx, reference), ctx.now());
  } catch (error) {
    if (error instanceof AppointmentError && error.code === AppointmentErrorCode.NotFound) return undefined;
    throw error;
  }
}

// A hold past its window reads as expired even before the job has swept it.
function toView(row: AppointmentRow, now: Date): AppointmentView {
  return {
    reference: row.reference,
    serviceCode: row.service_code,
    slotStart: row.slot_start,
    slotEnd: row.slot_end,
    state: isHoldOver(row, now) ? 'expired' : row.state,
    ...(row.state === 'held' && row.hold_expires_at !== null ? { holdExpiresAt: row.hold_expires_at } : {}),
  };
}

import { immediateTransaction } from '../../db/transaction.js';
import { type AppointmentRow, selectByReference, updateAppointment } from './appointment-rows.js';
import { isBookingCode } from './booking-code.js';
import { assertWithinLimits } from './booking-limits.js';
import { type AppointmentsContext, bookableService } from './context.js';
import { AppointmentError, AppointmentErrorCode, refuse } from './errors.js';
import { insertHold, notifyApplicant, resolvePerson } from './hold.js';
import { AppointmentEvent, recordAppointment } from './record.js';
import { normaliseReference } from './reference.js';
import { endBooking, isHoldOver } from './release.js';
import {
  type BookingData,
  type BookingInput,
  bookingInputSchema,
  type ConfirmInput,
  confirmInputSchema,
  parseInput,
} from './schemas.js';
import { assertPlaceFree, resolveSlot } from './slot-checks.js';
import { assertSmsAllowed } from './sms-allowance.js';
import { settleWaitlist } from './waitlist.js';

/** A new booking, held until confirmed with the code sent by SMS. */
export interface HeldBooking {
  readonly reference: string;
  readonly serviceCode: string;
  readonly slotStart: string;
  readonly slotEnd: string;
  readonly holdExpiresAt: string;
}

/**
 * Holds a place: checks the slot, takes the write lock, counts the places and the SMS sent to the
 * phone, then inserts the hold and queues the code — all in one immediate transaction, so two
 * connections can never both take the last place. The phone's and the person's bookings are not
 * looked at before the code is confirmed (booking-limits.ts): whoever types a number learns
 * nothing of its bookings, and their holds never count against its owner.
 */
export function book(ctx: AppointmentsContext, input: BookingInput, actor: string): HeldBooking {
  return bookChecked(ctx, parseInput(bookingInputSchema(ctx.region), input), actor);
}

/** {@link book} with input that the booking schema has already parsed (see `Appointments.bookChecked`). */
export function bookChecked(ctx: AppointmentsContext, data: BookingData, actor: string): HeldBooking {
  const contact = { phone: data.phone, documentNumber: data.documentNumber };
  const hold = (): AppointmentRow => {
    const now = ctx.now();
    const service = bookableService(ctx, data.serviceCode);
    const slot = resolveSlot(ctx, service, data.slotStart, now);
    assertPlaceFree(ctx, service, slot.start, now);
    assertSmsAllowed(ctx, { to: contact.phone, purpose: 'booking_code' }, now);
    const personId = resolvePerson(ctx, data.applicant, contact, actor);
    return insertHold(ctx, {
      serviceCode: service.code,
      slot,
      personId,
      contact,
      lang: data.lang,
      waitlistId: null,
      actor,
      now,
    });
  };
  const row = immediateTransaction(ctx.store.db, hold);
  return {
    reference: row.reference,
    serviceCode: row.service_code,
    slotStart: row.slot_start,
    slotEnd: row.slot_end,
    holdExpiresAt: row.hold_expires_at!,
  };
}

type ConfirmOutcome = { ok: AppointmentRow } | { refusal: AppointmentError };

/**
 * Confirms a held booking with its SMS code. A wrong code counts; the last allowed wrong code
 * releases the place. Refusals that change the booking (an attempt counted, a hold ended) are
 * committed before the refusal is thrown. With the right code, the phone's and the person's
 * limits are checked: over one, the booking stays held until its window ends, so that its owner
 * may cancel another booking and type the code again.
 */
export function confirm(ctx: AppointmentsContext, input: ConfirmInput, actor: string): AppointmentRow {
  const data = parseInput(confirmInputSchema, input);
  const outcome = immediateTransaction(ctx.store.db, (): ConfirmOutcome => checkCode(ctx, data, actor));
  if ('refusal' in outcome) throw outcome.refusal;
  return outcome.ok;
}

function checkCode(
  ctx: AppointmentsContext,
  data: { reference: string; code: string },
  actor: string,
): ConfirmOutcome {
  const { db, keys } = ctx.store;
  const now = ctx.now();
  const at = now.toISOString();
  const row = findBooking(ctx, data.reference);
  if (row.state !== 'held') return refusal(AppointmentErrorCode.InvalidState, `this booking is ${row.state}`);
  if (isHoldOver(row, now)) {
    endBooking(ctx, row, { state: 'expired', actor: 'system:appointments', now });
    return refusal(AppointmentErrorCode.HoldExpired, 'the hold has expired: book again');
  }
  if (!isBookingCode(keys.index, row.id, data.code, row.code_hash!))
    return countWrongCode(ctx, row, actor, now);
  assertWithinLimits(ctx, row, now);
  updateAppointment(db, row.id, { state: 'confirmed', code_hash: null, hold_expires_at: null }, at);
  const after = findBooking(ctx, row.reference);
  if (row.waitlist_id !== null) settleWaitlist(ctx, row.waitlist_id, 'booked', actor, now);
  notifyApplicant(ctx, after, 'confirmed');
  recordAppointment(ctx.store, { kind: AppointmentEvent.Booked, actor, at, before: row, after });
  return { ok: after };
}

// Each wrong code is counted and committed; the last allowed one ends the hold and frees the place.
function countWrongCode(
  ctx: AppointmentsContext,
  row: AppointmentRow,
  actor: string,
  now: Date,
): ConfirmOutcome {
  const attempts = row.code_attempts + 1;
  updateAppointment(ctx.store.db, row.id, { code_attempts: attempts }, now.toISOString());
  const left = ctx.rules.maxCodeAttempts - attempts;
  if (left > 0) return refusal(AppointmentErrorCode.WrongCode, `wrong code (${left} tries left)`);
  const ending = { state: 'expired', actor, now, data: { reason: 'too_many_attempts' } } as const;
  endBooking(ctx, { ...row, code_attempts: attempts }, ending);
  return refusal(AppointmentErrorCode.TooManyAttempts, 'too many wrong codes: the place is released');
}

/** The booking with this reference (typed in any common way), or `not_found`. */
export function findBooking(ctx: AppointmentsContext, reference: string): AppointmentRow {
  const canonical = normaliseReference(reference);
  const row = canonical === undefined ? undefined : selectByReference(ctx.store.db, canonical);
  if (!row) refuse(AppointmentErrorCode.NotFound, 'no booking with this reference');
  return row;
}

function refusal(code: AppointmentErrorCode, message: string): ConfirmOutcome {
  return { refusal: new AppointmentError(code, message) };
}

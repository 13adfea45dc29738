import { blindIndex } from '../../crypto/blind-index.js';
import { immediateTransaction } from '../../db/transaction.js';
import {
  type AppointmentRow,
  decodeContact,
  sameBytes,
  selectById,
  updateAppointment,
} from './appointment-rows.js';
import { findBooking } from './booking.js';
import { type AppointmentsContext, bookableService } from './context.js';
import { AppointmentErrorCode, refuse } from './errors.js';
import { notifyApplicant } from './hold.js';
import { AppointmentEvent, recordAppointment } from './record.js';
import { endBooking, isHoldOver } from './release.js';
import {
  type CancelInput,
  cancelInputSchema,
  parseInput,
  type RescheduleInput,
  rescheduleInputSchema,
} from './schemas.js';
import { assertPlaceFree, resolveSlot } from './slot-checks.js';
import { assertSmsAllowed } from './sms-allowance.js';
import { offerFreedPlace } from './waitlist.js';

/** Who asks: staff act on any booking; an applicant proves a booking is theirs with its phone. */
export interface Caller {
  readonly actor: string;
  readonly staff: boolean;
}

/** Cancels a held or upcoming booking; the place goes to the waiting list, if anyone waits. */
export function cancel(ctx: AppointmentsContext, input: CancelInput, caller: Caller): AppointmentRow {
  const data = parseInput(cancelInputSchema(ctx.region), input);
  const run = (): AppointmentRow => {
    const now = ctx.now();
    const row = ownedBooking(ctx, data.reference, data.phone, caller);
    const isLive = row.state === 'confirmed' || (row.state === 'held' && !isHoldOver(row, now));
    if (!isLive || row.slot_start <= now.toISOString()) {
      refuse(AppointmentErrorCode.InvalidState, `a ${row.state} or past booking cannot be cancelled`);
    }
    const after = endBooking(ctx, row, { state: 'cancelled', actor: caller.actor, now });
    notifyApplicant(ctx, after, 'cancelled');
    return after;
  };
  return immediateTransaction(ctx.store.db, run);
}

/**
 * Moves a confirmed booking to another slot of its service. One immediate transaction: the new
 * place is taken before the old one is freed, and a refusal (full, closed, …) leaves the booking
 * exactly as it was. An applicant may move a booking again and again, each move texted: past a cap
 * on SMS to the phone the move is refused (`sms_limit`); a move by staff is made and its SMS dropped.
 */
export function reschedule(ctx: AppointmentsContext, input: RescheduleInput, caller: Caller): AppointmentRow {
  const data = parseInput(rescheduleInputSchema(ctx.region), input);
  const run = (): AppointmentRow => {
    const { db } = ctx.store;
    const now = ctx.now();
    const at = now.toISOString();
    const row = ownedBooking(ctx, data.reference, data.phone, caller);
    if (row.state !== 'confirmed' || row.slot_start <= at) {
      refuse(AppointmentErrorCode.InvalidState, 'only an upcoming confirmed booking can be moved');
    }
    const service = bookableService(ctx, row.service_code);
    const slot = resolveSlot(ctx, service, data.slotStart, now);
    if (slot.start === row.slot_start)
      refuse(AppointmentErrorCode.InvalidState, 'the booking is already in this slot');
    assertPlaceFree(ctx, service, slot.start, now);
    const phone = decodeContact(ctx.store.keys, 'appointments', row).phone;
    const whenCapped = caller.staff ? 'drop' : 'refuse';
    if (!caller.staff) assertSmsAllowed(ctx, { to: phone, purpose: 'booking_rescheduled' }, now);
    updateAppointment(
      db,
      row.id,
      { slot_start: slot.start, slot_end: slot.end, reminder_queued_at: null },
      at,
    );
    const after = selectById(db, row.id)!;
    notifyApplicant(ctx, after, 'rescheduled', { whenCapped }, phone);
    const moved = { fromSlotStart: row.slot_start };
    recordAppointment(ctx.store, {
      kind: AppointmentEvent.Rescheduled,
      actor: caller.actor,
      at,
      before: row,
      after,
      data: moved,
    });
    offerFreedPlace(ctx, row.service_code, { start: row.slot_start, end: row.slot_end }, now, caller.actor);
    return after;
  };
  return immediateTransaction(ctx.store.db, run);
}

// An applicant who gives the wrong phone learns nothing: the same refusal as an unknown reference.
function ownedBooking(
  ctx: AppointmentsContext,
  reference: string,
  phone: string | undefined,
  caller: Caller,
) {
  const row = findBooking(ctx, reference);
  if (caller.staff) return row;
  const isOwner =
    phone !== undefined && sameBytes(blindIndex(ctx.store.keys.index, 'phone', phone), row.phone_bidx);
  if (!isOwner) refuse(AppointmentErrorCode.NotFound, 'no booking with this reference');
  return row;
}

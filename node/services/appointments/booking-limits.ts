import type { AppointmentRow } from './appointment-rows.js';
import type { AppointmentsContext } from './context.js';
import { AppointmentErrorCode, refuse } from './errors.js';

// Counted: confirmed bookings still to come. A hold is not: anyone can type any number, and a
// code that never reached the phone's owner must not stand in the owner's way.
const ON_PHONE = `SELECT count(*) AS n FROM appointments
  WHERE phone_bidx = @phone AND state = 'confirmed' AND slot_start > @now AND id != @id`;
// The person's bookings made with this same phone: the only ones its owner already knows of.
const OF_PERSON_ON_PHONE = `SELECT count(*) AS n FROM appointments
  WHERE document_bidx = @document AND phone_bidx = @phone AND state = 'confirmed' AND slot_start > @now
  AND id != @id`;

/**
 * Refuses with `phone_limit` or `person_limit` when confirming this held booking would give its
 * phone, or its identity document on this phone, more upcoming bookings than the rules allow.
 * Checked once the SMS code has proved the phone is the caller's: a refusal then tells its owner
 * only of their own bookings. Checked at the hold instead, any stranger who typed a number or a
 * document number would learn whether it has bookings, and could block it with holds.
 */
export function assertWithinLimits(ctx: AppointmentsContext, row: AppointmentRow, now: Date): void {
  const { db } = ctx.store;
  const params = { phone: row.phone_bidx, id: row.id, now: now.toISOString() };
  const onPhone = (db.prepare(ON_PHONE).get(params) as { n: number }).n;
  if (onPhone >= ctx.rules.maxActivePerPhone) {
    refuse(
      AppointmentErrorCode.PhoneLimit,
      'this phone number already has the most upcoming bookings allowed',
    );
  }
  const ofPerson = (
    db.prepare(OF_PERSON_ON_PHONE).get({ ...params, document: row.document_bidx }) as { n: number }
  ).n;
  if (ofPerson >= ctx.rules.maxActivePerPerson) {
    refuse(AppointmentErrorCode.PersonLimit, 'this person already has the most upcoming bookings allowed');
  }
}

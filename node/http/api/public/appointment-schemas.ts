import type { CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import type { AppointmentView } from '../../../services/appointments/appointments.js';
import { bookingInputSchema, confirmInputSchema } from '../../../services/appointments/schemas.js';
import { phoneSchema } from '../../../services/people/person-schema.js';
import { instantResponse, serviceCodeSchema } from './wire.js';

/** `:reference` of a booking, as typed (`RDV-K7M2-Q9XD`, any case or spacing). */
export const referenceParams = z.strictObject({ reference: z.string().min(4).max(40) });

/** Bodies of the booking routes; the domain's fields, so both validate alike. */
export function appointmentBodies(region: CountryCode) {
  const booking = bookingInputSchema(region).shape;
  const person = {
    applicant: booking.applicant.describe('the person who must come, as on the document'),
    phone: booking.phone.describe('receives the confirmation code by SMS'),
    documentNumber: booking.documentNumber.describe('checked at the door: a booking is not transferable'),
    lang: booking.lang,
  };
  return {
    book: z.strictObject({ service: serviceCodeSchema, slotStart: booking.slotStart, ...person }),
    waitlist: z.strictObject({
      service: serviceCodeSchema,
      day: z.iso.date().describe('a fully booked local day'),
      ...person,
    }),
    confirm: z.strictObject({ code: confirmInputSchema.shape.code.describe('the 6 digits sent by SMS') }),
    cancel: z.strictObject({ phone: phoneSchema(region).describe('the phone number given when booking') }),
    reschedule: z.strictObject({ phone: phoneSchema(region), slotStart: booking.slotStart }),
  };
}

/** A booking as anyone holding its reference may see it: no personal data. */
export const appointmentResponse = z.object({
  reference: z.string(),
  service: z.string(),
  slotStart: instantResponse,
  slotEnd: instantResponse,
  state: z.enum(['held', 'confirmed', 'cancelled', 'expired', 'checked_in', 'no_show']),
  heldUntil: instantResponse.optional().describe('while held: confirm with the SMS code before this'),
});

/** A new booking, held until confirmed with the SMS code. */
export const heldBookingResponse = z.object({
  reference: z.string(),
  service: z.string(),
  slotStart: instantResponse,
  slotEnd: instantResponse,
  heldUntil: instantResponse,
});

/** The public view of a booking. */
export function toAppointmentResponse(view: AppointmentView): z.input<typeof appointmentResponse> {
  return {
    reference: view.reference,
    service: view.serviceCode,
    slotStart: view.slotStart,
    slotEnd: view.slotEnd,
    state: view.state,
    ...(view.holdExpiresAt === undefined ? {} : { heldUntil: view.holdExpiresAt }),
  };
}

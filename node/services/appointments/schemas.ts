import type { CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { languageSchema } from '../catalogue/catalogue-schema.js';
import { phoneSchema } from '../people/person-schema.js';
import { AppointmentErrorCode, refuse } from './errors.js';

const name = z.string().trim().min(1).max(200);
const serviceCode = z.string().regex(/^[a-z][a-z0-9-]{1,40}$/);
const reference = z.string().min(4).max(40);
const documentNumber = z.string().trim().min(3).max(40);
/** A slot's start as an instant; an offset other than Z is accepted and normalised to UTC. */
const instant = z.iso.datetime({ offset: true }).transform((value) => new Date(value).toISOString());

/** The person named on a booking: the one who must come, with the document given. */
export const applicantSchema = z.strictObject({
  givenNames: name,
  familyName: name,
  birthDate: z.iso.date().optional(),
});

/**
 * Schemas that depend on the host country are built once per country: zod compiles a schema on
 * its first use, and building one per request put that compilation on every booking.
 */
function perRegion<T>(build: (region: CountryCode) => T): (region: CountryCode) => T {
  const built = new Map<CountryCode, T>();
  return (region) => {
    let schema = built.get(region);
    if (schema === undefined) {
      schema = build(region);
      built.set(region, schema);
    }
    return schema;
  };
}

/** Input of a booking or a waiting-list entry. */
export const bookingInputSchema = perRegion((region) =>
  z.strictObject({
    serviceCode,
    slotStart: instant,
    applicant: applicantSchema,
    phone: phoneSchema(region),
    documentNumber,
    lang: languageSchema.default('fr'),
  }),
);

/** Input of a waiting-list entry for one service on one local day. */
export const waitlistInputSchema = perRegion((region) => {
  const { slotStart: _slot, ...shape } = bookingInputSchema(region).shape;
  return z.strictObject({ ...shape, day: z.iso.date() });
});

/** Input of a confirmation with the SMS code. */
export const confirmInputSchema = z.strictObject({ reference, code: z.string().regex(/^\d{6}$/) });

/** Input of a cancellation; an applicant proves the booking is theirs with its phone number. */
export const cancelInputSchema = perRegion((region) =>
  z.strictObject({ reference, phone: phoneSchema(region).optional() }),
);

/** Input of a move to another slot of the same service. */
export const rescheduleInputSchema = perRegion((region) =>
  z.strictObject({ reference, slotStart: instant, phone: phoneSchema(region).optional() }),
);

/** What the agent reads from the document presented at the counter. */
export const checkInInputSchema = z.strictObject({
  reference,
  givenNames: name,
  familyName: name,
  documentNumber,
});

/** Input of a slot listing: local days, inclusive. */
export const slotQuerySchema = z.strictObject({ serviceCode, from: z.iso.date(), to: z.iso.date() });

/** Parses input or throws `invalid_input` with the zod error as cause (its issues for the API). */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) refuse(AppointmentErrorCode.InvalidInput, 'invalid input', result.error);
  return result.data;
}

export type BookingInput = z.input<ReturnType<typeof bookingInputSchema>>;
/** A booking's input once parsed: normalised, defaults applied. */
export type BookingData = z.output<ReturnType<typeof bookingInputSchema>>;
export type WaitlistInput = z.input<ReturnType<typeof waitlistInputSchema>>;
export type ConfirmInput = z.input<typeof confirmInputSchema>;
export type CancelInput = z.input<ReturnType<typeof cancelInputSchema>>;
export type RescheduleInput = z.input<ReturnType<typeof rescheduleInputSchema>>;
export type CheckInInput = z.input<typeof checkInInputSchema>;
export type SlotQuery = z.input<typeof slotQuerySchema>;

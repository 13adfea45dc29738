import type { CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { languageSchema } from '../../../services/catalogue/catalogue-schema.js';
import type { PublicFileView } from '../../../services/files/file-lookup.js';
import { fileStateSchema } from '../../../services/files/workflow.js';
import type { Invoice } from '../../../services/payments/money-rows.js';
import { personInputSchema } from '../../../services/people/person-schema.js';
import { instantResponse, serviceCodeSchema } from './wire.js';

/** The header that carries the applicant's secret: a header, so it never lands in a URL or a log. */
export const SECRET_HEADER = 'x-applicant-secret';

/** A file opened online: the service, and the applicant's details (one secret at least). */
export function openFileBody(region: CountryCode) {
  return z.strictObject({
    service: serviceCodeSchema,
    applicant: personInputSchema(region).refine(
      (person) => person.phone !== undefined || person.birthDate !== undefined,
      {
        message: 'give a phone number or a birth date: it is the secret to follow the file',
        path: ['phone'],
      },
    ),
    lang: languageSchema.default('fr'),
    note: z.string().trim().min(1).max(1000).optional().describe('what the consulate should know'),
  });
}

/** `:trackingNumber` as typed; a typo in it is refused with invalid_tracking_number. */
export const trackingParams = z.strictObject({ trackingNumber: z.string().trim().min(1).max(40) });

/** Headers of the lookup; the others are let through untouched. */
export const lookupHeaders = z.looseObject({
  [SECRET_HEADER]: z
    .string()
    .min(1)
    .max(40)
    .optional()
    .describe('the applicant’s phone number or birth date: details are shown only with it'),
});

export const openedFileResponse = z.object({
  trackingNumber: z.string().describe('keep it: it is how the file is followed'),
  service: z.string(),
  state: fileStateSchema,
  openedAt: instantResponse,
});

const invoiceResponse = z.object({
  id: z.string().describe('pay it online with POST /invoices/:id/checkout'),
  state: z.enum(['open', 'paid', 'cancelled']),
  totalMinor: z.int(),
  currency: z.string(),
});

const statusFields = {
  trackingNumber: z.string(),
  state: fileStateSchema,
  stateSince: instantResponse,
};

/** Status only, or, with the applicant's secret, the details. */
export const fileLookupResponse = z.discriminatedUnion('detailed', [
  z.object({ detailed: z.literal(false), ...statusFields }),
  z.object({
    detailed: z.literal(true),
    ...statusFields,
    service: z.string(),
    channel: z.enum(['counter', 'online']),
    openedAt: instantResponse,
    applicant: z.object({ givenNames: z.string(), familyName: z.string() }),
    history: z.array(z.object({ state: fileStateSchema, at: instantResponse })),
    invoices: z.array(invoiceResponse),
  }),
]);

/** The lookup's answer on the wire, with the file's invoices when detailed. */
export function toLookupResponse(
  view: PublicFileView,
  invoices: () => readonly Invoice[],
): z.input<typeof fileLookupResponse> {
  const status = { trackingNumber: view.trackingNumber, state: view.state, stateSince: view.stateSince };
  if (!view.detailed) return { detailed: false, ...status };
  return {
    detailed: true,
    ...status,
    service: view.serviceCode,
    channel: view.channel,
    openedAt: view.openedAt,
    applicant: { ...view.applicant },
    history: view.history.map((move) => ({ ...move })),
    invoices: invoices().map(({ id, state, totalMinor, currency }) => ({ id, state, totalMinor, currency })),
  };
}

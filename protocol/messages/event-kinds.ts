import { z } from 'zod';
import { instantSchema } from './field-schemas.js';
import { RollCallEvents, rollCallCountsDataSchema, rollCallNeedHelpDataSchema } from './roll-calls.js';
import { VisaEvents, visaDecidedDataSchema, visaRequestedDataSchema } from './visas.js';

/**
 * The vocabulary of a mission's domain events: every `kind` a node writes to its outbox and the
 * hub replicates, grouped by area, and what each kind's `data` holds. The node's services write
 * these constants, the hub's dashboards read them; neither spells a kind as a string of its own.
 * The kinds double as the node's audit actions for the same changes.
 */

export const AppointmentEvents = {
  Held: 'appointment.held',
  Booked: 'appointment.booked',
  Expired: 'appointment.expired',
  Cancelled: 'appointment.cancelled',
  Rescheduled: 'appointment.rescheduled',
  CheckedIn: 'appointment.checked_in',
  NoShow: 'appointment.no_show',
} as const;

/** The states of a waiting-list entry, each (but the first) the suffix of an event kind. */
export const WAITLIST_STATES = ['waiting', 'offered', 'booked', 'lapsed', 'withdrawn'] as const;
export type WaitlistState = (typeof WAITLIST_STATES)[number];

export const WaitlistEvents = {
  Joined: 'waitlist.joined',
  Offered: 'waitlist.offered',
  Booked: 'waitlist.booked',
  Lapsed: 'waitlist.lapsed',
  Withdrawn: 'waitlist.withdrawn',
} as const;

/** The event a waiting-list entry's move to `state` writes. */
export function waitlistEventOf(
  state: Exclude<WaitlistState, 'waiting'>,
): (typeof WaitlistEvents)[keyof typeof WaitlistEvents] {
  return `waitlist.${state}`;
}

export const FileEvents = { Opened: 'file.opened', Transitioned: 'file.transitioned' } as const;

/** Every state a consular file can be in, across all workflows, in workflow order. */
export const FILE_STATES = [
  'submitted',
  'in_review',
  'awaiting_payment',
  'awaiting_documents',
  'approved',
  'rejected',
  'ready',
  'delivered',
] as const;
export const fileStateSchema = z.enum(FILE_STATES);
export type FileState = z.infer<typeof fileStateSchema>;

export const MoneyEvents = {
  InvoiceCreated: 'invoice.created',
  InvoiceCancelled: 'invoice.cancelled',
  PaymentRecorded: 'payment.recorded',
  RefundRecorded: 'refund.recorded',
  CashClosed: 'cash.closed',
} as const;

export const PersonEvents = { Created: 'person.created', Updated: 'person.updated' } as const;

export const RegistrationEvents = {
  Submitted: 'registration.submitted',
  Verified: 'registration.verified',
  Activated: 'registration.activated',
  Rejected: 'registration.rejected',
  Renewed: 'registration.renewed',
  Expired: 'registration.expired',
  Deregistered: 'registration.deregistered',
  CensusUpdated: 'registration.census_updated',
  DetailsUpdated: 'registration.details_updated',
  ConsentChanged: 'registration.consent_changed',
  Reconciled: 'registration.reconciled',
  CensusWithdrawn: 'registration.census_withdrawn',
} as const;

export const CivilStatusEvents = {
  Submitted: 'civil_status.submitted',
  ReviewStarted: 'civil_status.review_started',
  Transcribed: 'civil_status.transcribed',
  Rejected: 'civil_status.rejected',
  Reconciled: 'civil_status.reconciled',
} as const;

export const SurveyEvents = { Answered: 'survey.answered' } as const;

export const CatalogueEvents = { ServiceOverridden: 'service.overridden' } as const;

const GROUPS = [
  AppointmentEvents,
  WaitlistEvents,
  FileEvents,
  MoneyEvents,
  PersonEvents,
  RegistrationEvents,
  CivilStatusEvents,
  SurveyEvents,
  CatalogueEvents,
  RollCallEvents,
  VisaEvents,
] as const;

type ValuesOf<T> = T[keyof T];
// Distributed over the union of groups: keyof a union would keep only the keys they share.
type ValuesOfEach<T> = T extends unknown ? T[keyof T] : never;
/** Every kind of domain event a mission sends. */
export type EventKind = ValuesOfEach<(typeof GROUPS)[number]>;
export const EVENT_KINDS: readonly EventKind[] = GROUPS.flatMap(
  (group) => Object.values(group) as EventKind[],
);

const KNOWN = new Set<string>(EVENT_KINDS);
/** True for a kind of this vocabulary (a newer node may send kinds an older hub does not know). */
export function isEventKind(kind: string): kind is EventKind {
  return KNOWN.has(kind);
}

// What each kind's data holds. Loose objects: a newer node may add fields, an older hub ignores
// them (tolerant reader). Nothing personal: identities travel only in registry messages.
const currencySchema = z.string().regex(/^[A-Z]{3}$/);
const minorSchema = z.int();
/** An online payment provider as the node names it: lower case, as the hub's rollup takes it. */
const providerNameSchema = z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/);
const appointmentData = z.looseObject({
  serviceCode: z.string(),
  slotStart: instantSchema,
  slotEnd: instantSchema.optional(),
  state: z.string(),
  fromWaitlist: z.boolean().optional(),
});
const waitlistData = z.looseObject({
  serviceCode: z.string(),
  day: z.iso.date(),
  state: z.enum(WAITLIST_STATES),
});
const anyData = z.looseObject({});

export const eventDataSchemas: Readonly<Record<EventKind, z.ZodType<Record<string, unknown>>>> = {
  ...mapGroup(AppointmentEvents, appointmentData),
  ...mapGroup(WaitlistEvents, waitlistData),
  'file.opened': z.looseObject({ serviceCode: z.string(), channel: z.string(), state: fileStateSchema }),
  'file.transitioned': z.looseObject({ serviceCode: z.string(), from: fileStateSchema, to: fileStateSchema }),
  'invoice.created': z.looseObject({
    serviceCode: z.string(),
    currency: currencySchema,
    totalMinor: minorSchema,
  }),
  'invoice.cancelled': z.looseObject({
    serviceCode: z.string(),
    currency: currencySchema,
    totalMinor: minorSchema,
  }),
  'payment.recorded': z.looseObject({
    currency: currencySchema,
    amountMinor: minorSchema,
    method: z.string(),
    /** The online provider that took it (`stripe`, `momo`…); absent for cash. */
    provider: providerNameSchema.optional(),
  }),
  'refund.recorded': z.looseObject({
    currency: currencySchema,
    amountMinor: minorSchema,
    method: z.string(),
    /** The provider a refund went back through; absent for cash. */
    provider: providerNameSchema.optional(),
  }),
  'cash.closed': z.looseObject({ currency: currencySchema }),
  ...mapGroup(PersonEvents, anyData),
  ...mapGroup(RegistrationEvents, anyData),
  ...mapGroup(CivilStatusEvents, anyData),
  'survey.answered': z.looseObject({ rating: z.int().min(1).max(5) }),
  'service.overridden': anyData,
  'roll_call.counts': rollCallCountsDataSchema,
  'roll_call.need_help': rollCallNeedHelpDataSchema,
  'visa.requested': visaRequestedDataSchema,
  'visa.decided': visaDecidedDataSchema,
};

function mapGroup<G extends Record<string, string>>(
  group: G,
  schema: z.ZodType<Record<string, unknown>>,
): Record<ValuesOf<G>, z.ZodType<Record<string, unknown>>> {
  return Object.fromEntries(Object.values(group).map((kind) => [kind, schema])) as Record<
    ValuesOf<G>,
    z.ZodType<Record<string, unknown>>
  >;
}

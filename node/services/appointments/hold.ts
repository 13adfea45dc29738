import { normaliseIdNumber } from '../../crypto/blind-index.js';
import { newRowId } from '../../db/row-id.js';
import type { Language } from '../catalogue/catalogue-schema.js';
import type { WhenCapped } from '../outbox/sms-cap-policy.js';
import { SmsCapError } from '../outbox/sms-errors.js';
import { enqueueSms, type SmsPurpose } from '../outbox/sms-outbox.js';
import {
  type AppointmentRow,
  type Contact,
  decodeContact,
  encodeContact,
  selectById,
} from './appointment-rows.js';
import { hashBookingCode, newBookingCode } from './booking-code.js';
import type { AppointmentsContext } from './context.js';
import { AppointmentErrorCode, refuse } from './errors.js';
import { AppointmentEvent, recordAppointment } from './record.js';
import { newReference } from './reference.js';
import type { SlotTimes } from './slots.js';
import { type AppointmentSmsKind, appointmentSmsText } from './sms-texts.js';

/** The person named on a booking. */
export interface Applicant {
  readonly givenNames: string;
  readonly familyName: string;
  readonly birthDate?: string;
}

/** A new hold: for a booking, or a place offered from the waiting list. */
export interface NewHold {
  readonly serviceCode: string;
  readonly slot: SlotTimes;
  readonly personId: string;
  readonly contact: Contact;
  readonly lang: Language;
  readonly waitlistId: string | null;
  readonly actor: string;
  readonly now: Date;
}

const INSERT = `INSERT INTO appointments (id, reference, service_code, slot_start, slot_end, state, person_id,
    phone_enc, phone_bidx, document_enc, document_bidx, lang, code_hash, hold_expires_at, waitlist_id,
    created_at, updated_at)
  VALUES (@id, @reference, @service_code, @slot_start, @slot_end, 'held', @person_id, @phone_enc, @phone_bidx,
    @document_enc, @document_bidx, @lang, @code_hash, @hold_expires_at, @waitlist_id, @at, @at)`;

/**
 * Inserts a held booking, queues its code by SMS and records it. Call inside an immediate
 * transaction that has checked the place is free. The hold never outlasts the slot's start.
 */
export function insertHold(ctx: AppointmentsContext, hold: NewHold): AppointmentRow {
  const { db, keys } = ctx.store;
  const id = newRowId();
  const code = newBookingCode();
  const minutes = hold.waitlistId === null ? ctx.rules.holdMinutes : ctx.rules.offerHoldMinutes;
  const until = new Date(hold.now.getTime() + minutes * 60_000).toISOString();
  const at = hold.now.toISOString();
  db.prepare(INSERT).run({
    id,
    reference: newReference(),
    service_code: hold.serviceCode,
    slot_start: hold.slot.start,
    slot_end: hold.slot.end,
    person_id: hold.personId,
    ...encodeContact(keys, 'appointments', id, hold.contact),
    lang: hold.lang,
    code_hash: hashBookingCode(keys.index, id, code),
    hold_expires_at: earlier(until, hold.slot.start),
    waitlist_id: hold.waitlistId,
    at,
  });
  const row = selectById(db, id)!;
  const kind = hold.waitlistId === null ? 'code' : 'offer';
  notifyApplicant(ctx, row, kind, { code, minutes }, hold.contact.phone);
  recordAppointment(ctx.store, {
    kind: AppointmentEvent.Held,
    actor: hold.actor,
    at,
    before: null,
    after: row,
  });
  return row;
}

// UTC instants in one format sort as text.
function earlier(a: string, b: string): string {
  return [a, b].sort()[0]!;
}

const PURPOSE: Record<AppointmentSmsKind, SmsPurpose> = {
  code: 'booking_code',
  offer: 'waitlist_offer',
  confirmed: 'booking_confirmed',
  cancelled: 'booking_cancelled',
  rescheduled: 'booking_rescheduled',
  reminder: 'reminder',
};

/** What an SMS about a booking carries besides the booking, and what a cap does to it. */
export interface NoticeOptions {
  readonly code?: string;
  readonly minutes?: number;
  /** Default: what the SMS's purpose says (services/outbox/sms-cap-policy.ts). */
  readonly whenCapped?: WhenCapped;
}

/**
 * Queues an SMS about a booking to its phone, in its language; call inside the change's
 * transaction. The phone is decrypted from the row unless the caller has it at hand. A cap that
 * refuses the SMS refuses the change with `sms_limit`; callers check first (sms-allowance.ts), so
 * this is the backstop.
 */
export function notifyApplicant(
  ctx: AppointmentsContext,
  row: AppointmentRow,
  kind: AppointmentSmsKind,
  options: NoticeOptions = {},
  phone = decodeContact(ctx.store.keys, 'appointments', row).phone,
): void {
  const { whenCapped, ...extra } = options;
  const facts = { reference: row.reference, slotStart: row.slot_start, zone: ctx.zone, ...extra };
  const text = appointmentSmsText(kind, row.lang, facts);
  const sms = { to: phone, text, purpose: PURPOSE[kind], ref: row.reference };
  try {
    enqueueSms(ctx.store, sms, ctx.now(), whenCapped === undefined ? {} : { whenCapped });
  } catch (error) {
    if (error instanceof SmsCapError) refuse(AppointmentErrorCode.SmsLimit, error.message, error);
    throw error;
  }
}

/**
 * The person for a booking: the known person with this document number and these names, or a new
 * one. Someone else's document number under another name makes a new person, not a match.
 */
export function resolvePerson(
  ctx: AppointmentsContext,
  applicant: Applicant,
  contact: Contact,
  actor: string,
) {
  const known = ctx.people
    .findByIdNumber(contact.documentNumber)
    .find(
      (person) =>
        sameName(person.givenNames, applicant.givenNames) &&
        sameName(person.familyName, applicant.familyName),
    );
  if (known) return known.id;
  // The booking's own schema has validated and normalised every field as the person schema would.
  const fields = { ...applicant, phone: contact.phone, idNumber: contact.documentNumber };
  return ctx.people.createChecked(fields, actor).id;
}

/** Names compared as agents compare them: case, accents and spacing aside. */
export function sameName(a: string, b: string): boolean {
  const fold = (name: string) =>
    name
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[\s'’-]+/g, ' ')
      .trim();
  return fold(a) === fold(b);
}

/** True when two document numbers are the same once normalised. */
export function sameDocument(a: string, b: string): boolean {
  return normaliseIdNumber(a) === normaliseIdNumber(b);
}

import { WaitlistEvents, waitlistEventOf } from '../../../protocol/index.js';
import { newRowId } from '../../db/row-id.js';
import { immediateTransaction } from '../../db/transaction.js';
import {
  type AppointmentRow,
  type ContactColumns,
  contactIndexes,
  decodeContact,
  encodeContact,
} from './appointment-rows.js';
import { isClosedOn } from './calendar.js';
import { type AppointmentsContext, type BookableService, bookableService } from './context.js';
import { AppointmentError, AppointmentErrorCode, refuse } from './errors.js';
import { insertHold, resolvePerson } from './hold.js';
import { recordWaitlist } from './record.js';
import { parseInput, type WaitlistInput, waitlistInputSchema } from './schemas.js';
import { horizon, placesLeft } from './slot-checks.js';
import { localDay, type SlotTimes } from './slots.js';
import { canText } from './sms-allowance.js';

/** A place on the waiting list. */
export interface WaitlistEntry {
  readonly id: string;
  /** 1 for the next person to be offered a freed place. */
  readonly position: number;
}

interface WaitlistRow extends ContactColumns {
  id: string;
  service_code: string;
  day: string;
  person_id: string;
  lang: AppointmentRow['lang'];
}

/**
 * Puts a person on the waiting list of a service for a local day that is fully booked. Refused
 * when a place is free (book it instead) or when the person already waits for that day. The
 * phone's and the person's limits apply when an offer is confirmed with its code, as for any
 * booking (booking-limits.ts): checked here, they would tell anyone who types a number whether it
 * has bookings.
 */
export function joinWaitlist(ctx: AppointmentsContext, input: WaitlistInput, actor: string): WaitlistEntry {
  const data = parseInput(waitlistInputSchema(ctx.region), input);
  const contact = { phone: data.phone, documentNumber: data.documentNumber };
  const indexes = contactIndexes(ctx.store.keys, contact);
  const join = (): WaitlistEntry => {
    const now = ctx.now();
    const at = now.toISOString();
    assertDayFull(ctx, bookableService(ctx, data.serviceCode), data.day, now);
    assertNotWaiting(ctx, data.serviceCode, data.day, indexes.document_bidx);
    const id = newRowId();
    ctx.store.db.prepare(INSERT).run({
      id,
      service_code: data.serviceCode,
      day: data.day,
      person_id: resolvePerson(ctx, data.applicant, contact, actor),
      ...encodeContact(ctx.store.keys, 'waitlist', id, contact),
      lang: data.lang,
      at,
    });
    const entry = { id, serviceCode: data.serviceCode, day: data.day, state: 'waiting' };
    recordWaitlist(ctx.store, { kind: WaitlistEvents.Joined, actor, at, ...entry });
    return { id, position: waitingCount(ctx, data.serviceCode, data.day) };
  };
  return immediateTransaction(ctx.store.db, join);
}

const INSERT = `INSERT INTO waitlist (id, service_code, day, state, person_id, phone_enc, phone_bidx, document_enc,
    document_bidx, lang, created_at, updated_at)
  VALUES (@id, @service_code, @day, 'waiting', @person_id, @phone_enc, @phone_bidx, @document_enc,
    @document_bidx, @lang, @at, @at)`;

// Waiting makes sense only for a bookable day with no place left: otherwise book the free place.
function assertDayFull(ctx: AppointmentsContext, service: BookableService, day: string, now: Date): void {
  if (isClosedOn(service.view.closures, day)) refuse(AppointmentErrorCode.Closed, `closed on ${day}`);
  const at = now.toISOString();
  const last = horizon(ctx, now);
  const slots = service.slotsOn(day).filter((slot) => slot.start > at && slot.start <= last);
  if (slots.length === 0) refuse(AppointmentErrorCode.OutsideOpeningHours, `no slot to wait for on ${day}`);
  if (slots.some((slot) => placesLeft(ctx, service, slot.start, now) > 0)) {
    refuse(AppointmentErrorCode.SlotsAvailable, 'places are free on this day: book one');
  }
}

function assertNotWaiting(
  ctx: AppointmentsContext,
  serviceCode: string,
  day: string,
  documentIndex: Uint8Array,
) {
  const row = ctx.store.db
    .prepare(
      `SELECT 1 FROM waitlist WHERE service_code = ? AND day = ? AND document_bidx = ?
       AND state IN ('waiting', 'offered')`,
    )
    .get(serviceCode, day, documentIndex);
  if (row !== undefined)
    refuse(AppointmentErrorCode.AlreadyWaiting, 'already on the waiting list for this day');
}

function waitingCount(ctx: AppointmentsContext, serviceCode: string, day: string): number {
  const row = ctx.store.db
    .prepare(`SELECT count(*) AS n FROM waitlist WHERE service_code = ? AND day = ? AND state = 'waiting'`)
    .get(serviceCode, day) as { n: number };
  return row.n;
}

/**
 * Offers the free places of a slot to the people waiting for its day, first come first served:
 * each gets a held booking and an SMS with its code, for the offer's hold window. Someone whose
 * phone has reached a cap on SMS is passed over this time and keeps their place in line: an offer
 * they cannot be told of would hold the place for nothing. Call inside the transaction that freed
 * the place. Returns the offers made.
 */
export function offerFreedPlace(
  ctx: AppointmentsContext,
  serviceCode: string,
  slot: SlotTimes,
  now: Date,
  actor: string,
) {
  const offers: AppointmentRow[] = [];
  if (slot.start <= now.toISOString()) return offers;
  const service = bookableOrNothing(ctx, serviceCode);
  if (!service) return offers;
  const day = localDay(slot.start, ctx.zone);
  for (const entry of waitingFor(ctx, serviceCode, day)) {
    if (placesLeft(ctx, service, slot.start, now) === 0) break;
    const contact = decodeContact(ctx.store.keys, 'waitlist', entry);
    if (!canText(ctx, contact.phone, 'waitlist_offer', now)) continue;
    const hold = { serviceCode, slot, personId: entry.person_id, contact, lang: entry.lang, actor, now };
    const row = insertHold(ctx, { ...hold, waitlistId: entry.id });
    settleWaitlist(ctx, entry.id, 'offered', actor, now, row.id);
    offers.push(row);
  }
  return offers;
}

/** Moves a waiting-list entry on (offered, booked, lapsed, withdrawn) with its event. */
export function settleWaitlist(
  ctx: AppointmentsContext,
  id: string,
  state: 'offered' | 'booked' | 'lapsed' | 'withdrawn',
  actor: string,
  now: Date,
  appointmentId?: string,
): void {
  const { db } = ctx.store;
  const at = now.toISOString();
  db.prepare(
    'UPDATE waitlist SET state = ?, appointment_id = coalesce(?, appointment_id), updated_at = ? WHERE id = ?',
  ).run(state, appointmentId ?? null, at, id);
  const row = db.prepare('SELECT service_code, day FROM waitlist WHERE id = ?').get(id) as WaitlistRow;
  recordWaitlist(ctx.store, {
    kind: waitlistEventOf(state),
    actor,
    at,
    id,
    serviceCode: row.service_code,
    day: row.day,
    state,
  });
}

// Read whole before any offer is written: the statement cannot stay open across the writes.
function waitingFor(ctx: AppointmentsContext, serviceCode: string, day: string): WaitlistRow[] {
  return ctx.store.db
    .prepare(
      `SELECT * FROM waitlist WHERE service_code = ? AND day = ? AND state = 'waiting'
       ORDER BY created_at, rowid`,
    )
    .all(serviceCode, day) as WaitlistRow[];
}

// A service withdrawn from the catalogue since the booking was made has no one to offer to.
function bookableOrNothing(ctx: AppointmentsContext, serviceCode: string) {
  try {
    return bookableService(ctx, serviceCode);
  } catch (error) {
    if (error instanceof AppointmentError) return undefined;
    throw error;
  }
}

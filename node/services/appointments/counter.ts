import { DateTime } from 'luxon';
import { idNumberIndex } from '../../crypto/blind-index.js';
import { immediateTransaction } from '../../db/transaction.js';
import {
  type AppointmentRow,
  decodeContact,
  sameBytes,
  selectById,
  updateAppointment,
} from './appointment-rows.js';
import { findBooking } from './booking.js';
import type { AppointmentsContext } from './context.js';
import { AppointmentErrorCode, refuse } from './errors.js';
import { sameName } from './hold.js';
import { AppointmentEvent, recordAppointment } from './record.js';
import { type CheckInInput, checkInInputSchema, parseInput } from './schemas.js';
import { localDay } from './slots.js';

/** A booking on the agents' list of the day, with the identity to check at the door. */
export interface CounterEntry {
  readonly reference: string;
  readonly serviceCode: string;
  readonly slotStart: string;
  readonly slotEnd: string;
  readonly state: AppointmentRow['state'];
  readonly givenNames: string;
  readonly familyName: string;
  readonly documentNumber: string;
}

/**
 * Checks in a confirmed booking on its day. Slots are not transferable: the names and the document
 * number read from the document presented must be those given at booking (`identity_mismatch`).
 */
export function checkIn(ctx: AppointmentsContext, input: CheckInInput, actor: string): AppointmentRow {
  const data = parseInput(checkInInputSchema, input);
  const run = (): AppointmentRow => {
    const { db, keys } = ctx.store;
    const now = ctx.now();
    const row = findBooking(ctx, data.reference);
    if (row.state !== 'confirmed') refuse(AppointmentErrorCode.InvalidState, `this booking is ${row.state}`);
    if (localDay(row.slot_start, ctx.zone) !== localDay(now.toISOString(), ctx.zone)) {
      refuse(AppointmentErrorCode.WrongDay, 'this appointment is on another day');
    }
    const person = ctx.people.get(row.person_id);
    const document = idNumberIndex(keys.index, data.documentNumber);
    const isSamePerson =
      person !== undefined &&
      sameName(person.givenNames, data.givenNames) &&
      sameName(person.familyName, data.familyName) &&
      document !== undefined &&
      sameBytes(document, row.document_bidx);
    if (!isSamePerson)
      refuse(AppointmentErrorCode.IdentityMismatch, 'not the person or document named on the booking');
    const at = now.toISOString();
    updateAppointment(db, row.id, { state: 'checked_in', checked_in_by: actor }, at);
    const after = selectById(db, row.id)!;
    recordAppointment(ctx.store, { kind: AppointmentEvent.CheckedIn, actor, at, before: row, after });
    return after;
  };
  return immediateTransaction(ctx.store.db, run);
}

/** Marks as no-shows the confirmed bookings whose slot ended more than the grace period ago. */
export function markNoShows(ctx: AppointmentsContext, actor = 'system:appointments'): AppointmentRow[] {
  const { db } = ctx.store;
  const run = (): AppointmentRow[] => {
    const now = ctx.now();
    const at = now.toISOString();
    const cutoff = DateTime.fromJSDate(now).minus({ minutes: ctx.rules.noShowGraceMinutes }).toUTC().toISO()!;
    const due = db
      .prepare(`SELECT * FROM appointments WHERE state = 'confirmed' AND slot_end <= ? ORDER BY slot_start`)
      .all(cutoff) as AppointmentRow[];
    return due.map((row) => {
      updateAppointment(db, row.id, { state: 'no_show' }, at);
      const after = selectById(db, row.id)!;
      recordAppointment(ctx.store, { kind: AppointmentEvent.NoShow, actor, at, before: row, after });
      return after;
    });
  };
  return immediateTransaction(db, run);
}

/** The day's confirmed, attended and missed bookings (local day), by slot, for the counter. */
export function counterList(ctx: AppointmentsContext, day: string, serviceCode?: string): CounterEntry[] {
  const start = DateTime.fromISO(day, { zone: ctx.zone });
  const rows = ctx.store.db
    .prepare(
      `SELECT * FROM appointments WHERE slot_start >= ? AND slot_start < ?
       AND state IN ('confirmed', 'checked_in', 'no_show') AND (? IS NULL OR service_code = ?)
       ORDER BY slot_start, reference`,
    )
    .all(
      start.toUTC().toISO(),
      start.plus({ days: 1 }).toUTC().toISO(),
      serviceCode ?? null,
      serviceCode ?? null,
    ) as AppointmentRow[];
  return rows.map((row) => {
    const person = ctx.people.get(row.person_id);
    return {
      reference: row.reference,
      serviceCode: row.service_code,
      slotStart: row.slot_start,
      slotEnd: row.slot_end,
      state: row.state,
      givenNames: person?.givenNames ?? '',
      familyName: person?.familyName ?? '',
      documentNumber: decodeContact(ctx.store.keys, 'appointments', row).documentNumber,
    };
  });
}

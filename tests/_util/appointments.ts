import { parentPort } from 'node:worker_threads';
import { decryptField } from '../../node/crypto/field-cipher.js';
import { openStore, type Store } from '../../node/db/store.js';
import { type AppointmentsDeps, createAppointments } from '../../node/services/appointments/appointments.js';
import { seedCalendars } from '../../node/services/appointments/calendar-seed.js';
import { AppointmentError } from '../../node/services/appointments/errors.js';
import type { AppointmentRulesInput } from '../../node/services/appointments/rules.js';
import { seedCatalogue } from '../../node/services/catalogue/seed.js';
import { createPeopleRepository } from '../../node/services/people/people-repository.js';
import { openTempStore, type TempStore } from './node-store.js';

/** The mission of the fixtures: Paris. */
export const ZONE = 'Europe/Paris';
/** Monday 2 March 2026, 08:00 in Paris. */
export const MONDAY_8AM = '2026-03-02T07:00:00.000Z';
/** Tuesday 3 March 2026, 09:00 in Paris: the first slot of that day. */
export const TUESDAY_9AM = '2026-03-03T08:00:00.000Z';

/** A clock the test moves by hand. */
export interface TestClock {
  now(): Date;
  set(iso: string): void;
  advanceMinutes(minutes: number): void;
}

/** A clock starting at `start`. */
export function testClock(start = MONDAY_8AM): TestClock {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set: (iso) => {
      current = new Date(iso);
    },
    advanceMinutes: (minutes) => {
      current = new Date(current.getTime() + minutes * 60_000);
    },
  };
}

/** Builds the appointment service of a store, as the node does. */
export function appointmentsOver(
  store: Store,
  options: { rules?: AppointmentRulesInput; now?: () => Date } = {},
) {
  const people = createPeopleRepository({ store, defaultRegion: 'FR' });
  const deps: AppointmentsDeps = { store, people, timeZone: ZONE, defaultRegion: 'FR', ...options };
  return { people, appointments: createAppointments(deps) };
}

/** A seeded mission (catalogue, calendars) with its appointment book and a hand-moved clock. */
export async function openMission(rules?: AppointmentRulesInput) {
  const temp: TempStore = await openTempStore();
  seedCatalogue(temp.store, { now: new Date(MONDAY_8AM) });
  seedCalendars(temp.store, new Date(MONDAY_8AM));
  const clock = testClock();
  return { ...temp, clock, ...appointmentsOver(temp.store, { rules, now: clock.now }) };
}

/** The n-th distinct applicant: own phone, own passport number. */
export function applicant(n: number, lang: 'fr' | 'sg' | 'en' = 'fr') {
  return {
    applicant: { givenNames: `Clarisse ${n}`, familyName: 'Ngoumbango' },
    phone: `+33 6 ${String(10_000_000 + n).slice(-8)}`,
    documentNumber: `CF${String(1_000_000 + n)}`,
    lang,
  };
}

/** An SMS of the outbox, decrypted. */
export interface SentSms {
  readonly to: string;
  readonly text: string;
  readonly purpose: string;
  readonly ref: string | null;
}

/** The SMS queued so far, oldest first, optionally only those about one booking. */
export function smsOutbox(store: Store, ref?: string): SentSms[] {
  const rows = store.db
    .prepare(
      'SELECT id, to_enc, text_enc, purpose, ref FROM sms_outbox WHERE (? IS NULL OR ref = ?) ORDER BY id',
    )
    .all(ref ?? null, ref ?? null) as {
    id: number;
    to_enc: Uint8Array;
    text_enc: Uint8Array;
    purpose: string;
    ref: string | null;
  }[];
  const open = (value: Uint8Array, column: string, id: number) =>
    decryptField(store.keys.field, value, { table: 'sms_outbox', column, rowId: String(id) });
  return rows.map((row) => ({
    to: open(row.to_enc, 'to', row.id),
    text: open(row.text_enc, 'text', row.id),
    purpose: row.purpose,
    ref: row.ref,
  }));
}

/** The confirmation code last sent for a booking (read from its SMS, as the applicant would). */
export function codeFor(store: Store, reference: string): string {
  const sms = smsOutbox(store, reference).filter((s) =>
    ['booking_code', 'waitlist_offer'].includes(s.purpose),
  );
  const code = /\b(\d{6})\b/.exec(sms.at(-1)?.text ?? '')?.[1];
  if (code === undefined) throw new Error(`no code was sent for ${reference}`);
  return code;
}

/** A code that is not the right one. */
export function wrongCode(code: string): string {
  return String((Number(code) + 1) % 1_000_000).padStart(6, '0');
}

/** What one booking worker is asked to do. */
export interface BookingWorkerData {
  readonly path: string;
  readonly dataKey: Uint8Array;
  readonly now: string;
  readonly serviceCode: string;
  readonly slotStart: string;
  readonly first: number;
  readonly count: number;
  /** Int32 flag the workers wait on, so that all start at once. */
  readonly go: SharedArrayBuffer;
}

/** What a booking worker reports: successes, slot_full refusals, and anything else. */
export interface BookingWorkerResult {
  readonly booked: string[];
  readonly slotFull: number;
  readonly other: string[];
}

/**
 * Body of a worker thread: opens its own connection to the database file and books in a loop
 * through the real service code. Started by tests/_util/appointments-worker.mjs.
 */
export async function runBookingWorker(data: BookingWorkerData): Promise<void> {
  const store = await openStore({ path: data.path, dataKey: data.dataKey });
  const { appointments } = appointmentsOver(store, { now: () => new Date(data.now) });
  parentPort?.postMessage({ ready: true });
  Atomics.wait(new Int32Array(data.go), 0, 0);
  const result = { booked: [] as string[], slotFull: 0, other: [] as string[] };
  for (let n = data.first; n < data.first + data.count; n++) {
    try {
      const input = { serviceCode: data.serviceCode, slotStart: data.slotStart, ...applicant(n) };
      result.booked.push(appointments.book(input, 'portal').reference);
    } catch (error) {
      if (error instanceof AppointmentError && error.code === 'slot_full') result.slotFull++;
      else result.other.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    }
  }
  store.close();
  parentPort?.postMessage({ result });
}

import { copyFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../node/db/store.js';
import { applyEventsRecovered } from '../node/link/handlers/events-recovered.js';
import { createFileService } from '../node/services/files/file-service.js';
import { readBatch } from '../node/services/outbox/outbox.js';
import { createPaymentService } from '../node/services/payments/payment-service.js';
import { createPeopleRepository } from '../node/services/people/people-repository.js';
import { copyRecords, sealRecordCopies } from '../node/services/recovery/record-copies.js';
import { countRecoveredToReview, listRecoveredEvents } from '../node/services/recovery/recovered-events.js';
import { restoreRecords } from '../node/services/recovery/restore-records.js';
import type { RegistrationInput } from '../node/services/registrations/registration-schema.js';
import { createRegistrationService } from '../node/services/registrations/registration-service.js';
import { eventsRecoveredSchema, type MissionEvent } from '../protocol/index.js';
import {
  applicant,
  appointmentsOver,
  codeFor,
  openMission,
  TUESDAY_9AM,
  ZONE,
} from './_util/appointments.js';
import { openTempStore } from './_util/node-store.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const RENEWAL = 'passport-renewal';
/** A slot of the Tuesday other than the one the test fills: 09:20. */
const TUESDAY_920 = '2026-03-03T08:20:00.000Z';

/** Every service of the node over one store, on the test's clock. */
function servicesOn(store: Store, clock: { now: () => Date }) {
  const now = clock.now;
  const people = createPeopleRepository({ store, defaultRegion: 'FR', now });
  const files = createFileService({ store, people, trackingPrefix: 'PAR', defaultRegion: 'FR', now });
  const payments = createPaymentService({ store, receiptPrefix: 'PAR', timeZone: ZONE, files, people, now });
  const registrations = createRegistrationService({ store, defaultRegion: 'FR', now });
  const { appointments } = appointmentsOver(store, { now });
  return { people, files, payments, registrations, appointments };
}
type Services = ReturnType<typeof servicesOn>;

function bookAndConfirm(store: Store, s: Services, n: number, slotStart = TUESDAY_9AM): string {
  const held = s.appointments.book({ serviceCode: RENEWAL, slotStart, ...applicant(n) }, 'portal');
  s.appointments.confirm({ reference: held.reference, code: codeFor(store, held.reference) }, 'portal');
  return held.reference;
}

function openFileWithFee(s: Services, family: string) {
  const person = s.people.create({ givenNames: 'Josué', familyName: family, phone: '+33781000000' }, 'amina');
  const file = s.files.open({ personId: person.id, serviceCode: RENEWAL, channel: 'counter' }, 'amina');
  const invoice = s.payments.createInvoice(
    {
      fileId: file.id,
      serviceCode: RENEWAL,
      lines: [{ label: 'Passeport ordinaire', unitMinor: 85_000, currency: 'XAF' }],
    },
    'amina',
  );
  return { person, file, invoice };
}

const cashPayment = (s: Services, invoiceId: string) =>
  s.payments.recordCashPayment(
    { invoiceId, amountMinor: 85_000, currency: 'XAF', cashbox: 'guichet-1' },
    'amina',
  );

const registrationInput: RegistrationInput = {
  person: { givenNames: 'Prisca', familyName: 'Namsène', birthDate: '1990-06-21', phone: '06 11 22 33 44' },
  sex: 'F',
  birthPlace: 'Bambari',
  arrivalDate: '2014-09',
  channel: 'online',
  census: { languages: ['sg', 'fr'], contributions: ['mentoring'] },
  consents: { processing: true, census: true, contact: true, textVersion: 'consent-2026.1' },
};

/** The outbox's events after `seq`, as the link would seal them: in batches of `size`. */
function batchesAfter(store: Store, seq: number, size: number) {
  const items = readBatch(store, { limit: 10_000, maxBytes: 1e9, afterSeq: seq });
  const batches: { events: MissionEvent[]; records?: string }[] = [];
  for (let start = 0; start < items.length; start += size) {
    const events = items.slice(start, start + size).map((item) => item.event);
    batches.push({ events, records: sealRecordCopies(store, copyRecords(store, events)) });
  }
  return batches;
}

const lastSeq = (store: Store) =>
  (store.db.prepare('SELECT coalesce(max(seq), 0) AS seq FROM outbox').get() as { seq: number }).seq;
const count = (store: Store, sql: string, ...params: unknown[]) =>
  (store.db.prepare(`SELECT count(*) AS n FROM ${sql}`).get(...params) as { n: number }).n;

describe('records put back from the sealed copies after a restore', () => {
  it('restores bookings, files, payments and registrations; flags what the node did again since', async () => {
    const mission = await openMission();
    cleanups.push(mission.cleanup);
    const { path, dataKey, clock } = mission;
    let store = mission.store;
    let s = servicesOn(store, clock);

    // Before the nightly backup: a booking at 09:20 and a file.
    bookAndConfirm(store, s, 1, TUESDAY_920);
    const kept = openFileWithFee(s, 'Gbaya');
    const backup = join(mission.dir, 'nightly.sqlite');
    await store.db.backup(backup);
    const backupSeq = lastSeq(store);

    // After it, lost with the disk: three bookings fill the 09:00 slot (3 places), a new
    // applicant's file moves on and is paid twice over two invoices, a registration, and the
    // file kept in the backup moves on.
    clock.advanceMinutes(1);
    const lostBookings = [2, 3, 4].map((n) => bookAndConfirm(store, s, n));
    const lost = openFileWithFee(s, 'Zanga');
    s.files.transition(lost.file.id, { to: 'in_review', note: 'pièces complètes' }, 'amina');
    const secondInvoice = s.payments.createInvoice(
      {
        fileId: lost.file.id,
        serviceCode: RENEWAL,
        lines: [{ label: 'Timbre', unitMinor: 5_000, currency: 'XAF' }],
      },
      'amina',
    );
    const firstReceipt = cashPayment(s, lost.invoice.id);
    const secondReceipt = s.payments.recordCashPayment(
      { invoiceId: secondInvoice.id, amountMinor: 5_000, currency: 'XAF', cashbox: 'guichet-1' },
      'amina',
    );
    expect([firstReceipt.receiptNumber, secondReceipt.receiptNumber]).toEqual([
      'PAR-2026-000001',
      'PAR-2026-000002',
    ]);
    const registration = s.registrations.submit(registrationInput, 'applicant:web');
    s.files.transition(kept.file.id, { to: 'in_review' }, 'amina');
    const lostFile = s.files.get(lost.file.id);
    const lostHistory = s.files.history(lost.file.id);
    const lostRegistration = s.registrations.get(registration.id);
    const lostConsents = s.registrations.consents(registration.id);
    // The link seals them in batches of 7 events, each with its copies.
    const batches = batchesAfter(store, backupSeq, 7);
    const lostEvents = batches.flatMap((batch) => batch.events);

    // The disk dies; the node is restored from the backup and works on before it reaches the hub:
    // the 09:00 slot is booked once more, a cash payment takes receipt number 1 again, and the file
    // kept in the backup moves on here.
    store.close();
    for (const suffix of ['-wal', '-shm']) await rm(`${path}${suffix}`, { force: true });
    await copyFile(backup, path);
    store = await openStore({ path, dataKey });
    const restored = store;
    cleanups.push(async () => restored.close());
    s = servicesOn(store, clock);
    expect(s.files.get(lost.file.id)).toBeUndefined();
    clock.advanceMinutes(2);
    bookAndConfirm(store, s, 5);
    const here = openFileWithFee(s, 'Kpolo');
    expect(cashPayment(s, here.invoice.id).receiptNumber).toBe('PAR-2026-000001');
    s.files.transition(kept.file.id, { to: 'in_review', note: 'refait ici' }, 'amina');

    // The hub returns the lost events with the copies, in the envelopes it would seal.
    const body = eventsRecoveredSchema.parse({
      events: lostEvents,
      records: batches.flatMap((batch) => (batch.records ? [batch.records] : [])),
    });
    applyEventsRecovered({ store, now: () => clock.now().getTime() }, body);

    // Bookings: back, confirmed; the slot now holds four for three places, the last one flagged.
    for (const reference of lostBookings) expect(s.appointments.get(reference)?.state).toBe('confirmed');
    expect(count(store, "appointments WHERE slot_start = ? AND state = 'confirmed'", TUESDAY_9AM)).toBe(4);
    const outcomeOf = (entity: string, id: string) =>
      new Set(
        listRecoveredEvents(store, { all: true })
          .filter((event) => event.entity === entity && event.entityId === id)
          .map((event) => event.outcome),
      );
    const bookingIds = lostBookings.map(
      (reference) =>
        (store.db.prepare('SELECT id FROM appointments WHERE reference = ?').get(reference) as { id: string })
          .id,
    );
    expect(bookingIds.map((id) => [...outcomeOf('appointment', id)])).toEqual([
      ['restored'],
      ['restored'],
      ['overbooked'],
    ]);

    // The file, its applicant (decrypted with the same key), its history, its invoices.
    expect(s.files.get(lost.file.id)).toEqual(lostFile);
    expect(s.files.history(lost.file.id)).toEqual(lostHistory);
    expect(s.people.get(lost.person.id)?.familyName).toBe('Zanga');
    expect(s.payments.getInvoice(lost.invoice.id)?.state).toBe('paid');
    expect(count(store, 'invoice_lines WHERE invoice_id = ?', lost.invoice.id)).toBe(1);

    // Receipt 1 went to another payment here: that lost payment waits for the consul; receipt 2 is
    // back, and the series goes on after it.
    expect(outcomeOf('payment', firstReceipt.id)).toEqual(new Set(['number_taken']));
    expect(count(store, 'payments WHERE id = ?', firstReceipt.id)).toBe(0);
    expect(outcomeOf('payment', secondReceipt.id)).toEqual(new Set(['restored']));
    const next = openFileWithFee(s, 'Ndakala');
    expect(cashPayment(s, next.invoice.id).receiptNumber).toBe('PAR-2026-000003');

    // The registration with its consents and history.
    expect(s.registrations.get(registration.id)).toEqual(lostRegistration);
    expect(s.registrations.consents(registration.id)).toEqual(lostConsents);

    // The file the node moved again since the restore keeps this node's version.
    expect(outcomeOf('file', kept.file.id)).toEqual(new Set(['kept_local']));
    expect(s.files.history(kept.file.id).at(-1)).toMatchObject({ to: 'in_review' });
    expect(count(store, 'file_transitions WHERE file_id = ?', kept.file.id)).toBe(2);

    // What is left for an agent: the overbooked slot, the number taken, the file kept here.
    const recovered = listRecoveredEvents(store, { all: true, limit: 1000 });
    expect(recovered).toHaveLength(lostEvents.length);
    const toAct = recovered.filter((event) => !['restored', 'already_here'].includes(event.outcome));
    expect(countRecoveredToReview(store)).toBe(toAct.length);
    expect(new Set(toAct.map((event) => event.outcome))).toEqual(
      new Set(['overbooked', 'number_taken', 'kept_local']),
    );

    // The same envelope again (the hub resends it): nothing kept twice, nothing written twice.
    const rows = () => ({
      transitions: count(store, 'file_transitions'),
      consents: count(store, 'registration_consents'),
      appointments: count(store, 'appointments'),
      recovered: count(store, 'recovered_events'),
    });
    const before = rows();
    applyEventsRecovered({ store, now: () => clock.now().getTime() }, body);
    expect(rows()).toEqual(before);
  });

  it('writes only the columns a table has, whatever names a copy holds', async () => {
    const temp = await openTempStore();
    cleanups.push(temp.cleanup);
    const s = servicesOn(temp.store, { now: () => new Date('2026-03-02T09:00:00.000Z') });
    const person = s.people.create({ givenNames: 'Odette', familyName: 'Kossi' }, 'amina');
    const [copy] = copyRecords(temp.store, [
      {
        id: crypto.randomUUID(),
        kind: 'person.created',
        entity: 'person',
        entityId: person.id,
        at: '',
        data: {},
      },
    ]);
    temp.store.db.prepare('DELETE FROM people').run();
    const hostile = 'x = 1; DROP TABLE people; --';
    const row = { ...(copy?.rows.people?.[0] ?? {}), [hostile]: 'y' };
    const outcomes = restoreRecords(
      temp.store,
      [{ entity: 'person', id: person.id, rows: { people: [row] } }],
      new Date(),
    );
    expect(outcomes.get(`person:${person.id}`)).toBe('restored');
    expect(s.people.get(person.id)?.familyName).toBe('Kossi');
  });

  it('keeps the copies unreadable to the hub, and takes none sealed by another mission or altered', async () => {
    const mission = await openMission();
    cleanups.push(mission.cleanup);
    const { store, clock } = mission;
    const s = servicesOn(store, clock);
    const reference = bookAndConfirm(store, s, 7);
    const [batch] = batchesAfter(store, 0, 100);
    const events = (batch as NonNullable<typeof batch>).events;
    // The byte scan finds a clear value of the copy (the service code) before it is sealed…
    const copies = copyRecords(store, events);
    expect(JSON.stringify(copies)).toContain(RENEWAL);
    expect(copies.map((copy) => copy.entity).sort()).toEqual(['appointment', 'person']);
    // …and not in what the hub receives.
    const sealed = Buffer.from(batch?.records ?? '', 'base64');
    expect(sealed.length).toBeGreaterThan(0);
    expect(sealed.includes(Buffer.from(RENEWAL))).toBe(false);
    expect(sealed.includes(Buffer.from('Ngoumbango'))).toBe(false);

    // Another mission with its own data key receives them: nothing is restored, all to re-enter.
    const other = await openTempStore();
    cleanups.push(other.cleanup);
    applyEventsRecovered(
      { store: other.store, now: () => Date.now() },
      { events, records: [batch?.records ?? ''] },
    );
    expect(count(other.store, 'appointments')).toBe(0);
    expect(new Set(listRecoveredEvents(other.store).map((event) => event.outcome))).toEqual(
      new Set(['not_copied']),
    );

    // One flipped byte: refused as a whole.
    const third = await openTempStore();
    cleanups.push(third.cleanup);
    sealed.writeUInt8((sealed.at(-5) ?? 0) ^ 0x01, sealed.length - 5);
    applyEventsRecovered(
      { store: third.store, now: () => Date.now() },
      { events, records: [sealed.toString('base64')] },
    );
    expect(count(third.store, 'appointments')).toBe(0);
    expect(s.appointments.get(reference)?.state).toBe('confirmed');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { setOpeningHours } from '../node/services/appointments/calendar.js';
import { createFileService } from '../node/services/files/file-service.js';
import { bindSmsCaps, onSmsCapped, type SmsCapStop } from '../node/services/outbox/sms-cap-policy.js';
import { applicant, codeFor, openMission, smsOutbox, TUESDAY_9AM } from './_util/appointments.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

type Mission = Awaited<ReturnType<typeof openMission>> & {
  stops: SmsCapStop[];
  /** The n-th slot of passport-renewal from Tuesday 3 March, 09:00 Paris (3 places each). */
  slot(n: number): string;
};

const RENEWAL = 'passport-renewal';

async function mission(rules: Parameters<typeof openMission>[0] = {}): Promise<Mission> {
  const opened = await openMission({ maxActivePerPhone: 50, maxActivePerPerson: 10, ...rules });
  cleanups.push(opened.cleanup);
  const stops: SmsCapStop[] = [];
  onSmsCapped(opened.store, (stop) => stops.push(stop));
  const week = { serviceCode: RENEWAL, from: '2026-03-03', to: '2026-03-06' };
  const starts = opened.appointments.listSlots(week).map((listed) => listed.start);
  expect(starts[0]).toBe(TUESDAY_9AM);
  return { ...opened, stops, slot: (n) => starts[n]! };
}

const VICTIM = applicant(1).phone;
const staff = { actor: 'agent:yakite', staff: true };

const book = (m: Mission, n: number, at = m.slot(n), who = applicant(n)) =>
  m.appointments.book({ serviceCode: RENEWAL, slotStart: at, ...who }, 'portal');

/** What a refused change must leave as it was. */
function written(m: Mission) {
  const count = (table: string) =>
    (m.store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  return {
    appointments: count('appointments'),
    sms: count('sms_outbox'),
    people: count('people'),
    events: count('outbox'),
  };
}

function refusalOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('node appointments: SMS caps on booking', () => {
  it('refuses a sixth code to one phone within the hour with sms_limit, writing nothing', async () => {
    const m = await mission();
    for (let n = 0; n < 5; n++) book(m, n, m.slot(n), applicant(1));
    const before = written(m);
    expect(refusalOf(() => book(m, 5, m.slot(5), applicant(1)))).toMatchObject({ code: 'sms_limit' });
    expect(written(m)).toEqual(before);
    expect(m.stops).toEqual([{ reason: 'phone_hour', purpose: 'booking_code', outcome: 'refused' }]);
    expect(book(m, 5, m.slot(5), applicant(2)).reference).toMatch(/^RDV-/);
  });

  it('lets the phone book again an hour later, up to ten a day, and again the next day', async () => {
    const m = await mission();
    const whoever = (n: number) => ({ ...applicant(100 + n), phone: VICTIM });
    for (let n = 0; n < 5; n++) book(m, n, m.slot(n), whoever(n));
    m.clock.advanceMinutes(61);
    for (let n = 5; n < 10; n++) book(m, n, m.slot(n), whoever(n));
    m.clock.advanceMinutes(61);
    expect(refusalOf(() => book(m, 10, m.slot(10), whoever(10)))).toMatchObject({ code: 'sms_limit' });
    expect(m.stops.map((stop) => stop.reason)).toEqual(['phone_day']);
    m.clock.advanceMinutes(24 * 60 - 121);
    expect(book(m, 10, '2026-03-04T08:00:00.000Z', whoever(10)).reference).toMatch(/^RDV-/);
  });

  it('refuses past the cap on the numbers of one prefix, per hour and per day, whoever books', async () => {
    const m = await mission();
    bindSmsCaps(m.store, { perPrefixPerHour: 3, perPrefixPerDay: 4 });
    for (let n = 1; n <= 3; n++) book(m, n);
    expect(refusalOf(() => book(m, 4))).toMatchObject({ code: 'sms_limit' });
    expect(book(m, 4, m.slot(4), { ...applicant(4), phone: '+33 7 41 23 45 67' }).reference).toMatch(/^RDV-/);
    m.clock.advanceMinutes(61);
    book(m, 5);
    expect(refusalOf(() => book(m, 6))).toMatchObject({ code: 'sms_limit' });
    expect(m.stops.map((stop) => stop.reason)).toEqual(['prefix_hour', 'prefix_day']);
  });
});

describe('node appointments: SMS caps on changes', () => {
  function confirmed(m: Mission, n: number) {
    const { reference } = book(m, n);
    m.appointments.confirm({ reference, code: codeFor(m.store, reference) }, 'portal');
    return reference;
  }

  it('refuses an applicant’s move past the cap and leaves the booking as it was', async () => {
    const m = await mission();
    const reference = confirmed(m, 1);
    const owner = { actor: 'applicant:online', staff: false };
    const move = (to: string) =>
      m.appointments.reschedule({ reference, phone: VICTIM, slotStart: to }, owner);
    // Its code and four moves: five SMS asked for within the hour (the confirmation is news).
    for (const n of [10, 11, 12, 13]) move(m.slot(n));
    const before = { view: m.appointments.get(reference), written: written(m) };
    expect(refusalOf(() => move(m.slot(14)))).toMatchObject({ code: 'sms_limit' });
    expect({ view: m.appointments.get(reference), written: written(m) }).toEqual(before);
    expect(m.stops).toEqual([{ reason: 'phone_hour', purpose: 'booking_rescheduled', outcome: 'refused' }]);
  });

  it('makes staff’s move, cancellation and the reminder past the cap, and drops their SMS', async () => {
    const m = await mission({ reminderLeadHours: 48 });
    const reference = confirmed(m, 1);
    const other = confirmed(m, 2);
    for (let n = 0; n < 3; n++) book(m, 3 + n, m.slot(3 + n), applicant(1));
    const sent = smsOutbox(m.store).length;
    expect(m.appointments.reschedule({ reference, slotStart: m.slot(10) }, staff).slotStart).toBe(m.slot(10));
    expect(m.appointments.queueReminders()).toEqual([other, reference]);
    expect(m.appointments.cancel({ reference }, staff).state).toBe('cancelled');
    // The other applicant's reminder went; none of the three to the capped phone did.
    expect(
      smsOutbox(m.store)
        .slice(sent)
        .map((sms) => sms.ref),
    ).toEqual([other]);
    expect(m.stops.map((stop) => `${stop.purpose} ${stop.outcome}`)).toEqual([
      'booking_rescheduled dropped',
      'reminder dropped',
      'booking_cancelled dropped',
    ]);
  });
});

describe('node appointments: SMS caps on waiting-list offers', () => {
  // life-certificate: one place per slot; here a single slot on Wednesday 4 March at 10:00 Paris.
  const SERVICE = 'life-certificate';
  const ONLY_SLOT = '2026-03-04T09:00:00.000Z';

  it('passes over a waiting phone past its cap, offers the place to the next, and keeps the first in line', async () => {
    const m = await mission();
    setOpeningHours(m.store, SERVICE, [{ weekday: 3, opens: '10:00', closes: '10:10' }]);
    const held = m.appointments.book(
      { serviceCode: SERVICE, slotStart: ONLY_SLOT, ...applicant(7) },
      'portal',
    );
    m.appointments.confirm({ reference: held.reference, code: codeFor(m.store, held.reference) }, 'portal');
    const wait = (n: number) =>
      m.appointments.joinWaitlist({ serviceCode: SERVICE, day: '2026-03-04', ...applicant(n) }, 'portal');
    wait(1);
    wait(2);
    for (let n = 0; n < 5; n++) book(m, 10 + n, m.slot(n), applicant(1));
    m.appointments.cancel({ reference: held.reference }, staff);
    const offers = smsOutbox(m.store).filter((sms) => sms.purpose === 'waitlist_offer');
    expect(offers.map((sms) => sms.to)).toEqual(['+33610000002']);
    const states = m.store.db.prepare('SELECT state FROM waitlist ORDER BY created_at, rowid').all();
    expect(states).toEqual([{ state: 'waiting' }, { state: 'offered' }]);
    expect(m.stops).toEqual([{ reason: 'phone_hour', purpose: 'waitlist_offer', outcome: 'refused' }]);
  });
});

describe('node SMS caps: other senders', () => {
  it('moves a file past the cap and drops its status SMS', async () => {
    const m = await mission();
    let now = new Date('2026-03-02T09:00:00.000Z');
    const person = m.people.create(
      { givenNames: 'Awa', familyName: 'Ngbanda', phone: VICTIM },
      'agent:amina',
    );
    const files = createFileService({
      store: m.store,
      people: m.people,
      trackingPrefix: 'PAR',
      defaultRegion: 'FR',
      now: () => now,
    });
    const file = files.open(
      { personId: person.id, serviceCode: 'passport-renewal', channel: 'counter' },
      'amina',
    );
    for (const to of ['in_review', 'awaiting_documents', 'in_review', 'approved', 'ready'] as const) {
      now = new Date(now.getTime() + 60_000);
      files.transition(file.id, { to }, 'amina');
    }
    expect(files.get(file.id)?.state).toBe('ready');
    expect(smsOutbox(m.store).filter((sms) => sms.purpose === 'file_status')).toHaveLength(5);
    expect(m.stops).toEqual([{ reason: 'phone_hour', purpose: 'file_status', outcome: 'dropped' }]);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { createAppointments } from '../node/services/appointments/appointments.js';
import { addClosure, setOpeningHours } from '../node/services/appointments/calendar.js';
import { verifyAuditChain } from '../node/services/audit/audit-verify.js';
import { setServiceOverride } from '../node/services/catalogue/catalogue.js';
import { readBatch } from '../node/services/outbox/outbox.js';
import { applicant, codeFor, openMission, smsOutbox, TUESDAY_9AM, wrongCode } from './_util/appointments.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function mission(rules?: Parameters<typeof openMission>[0]) {
  const opened = await openMission(rules);
  cleanups.push(opened.cleanup);
  return opened;
}

// passport-renewal: 20-minute slots, 3 places, Mon–Fri 09:00–12:30 and Mon–Thu 14:00–16:30 (Paris).
const RENEWAL = 'passport-renewal';
const booking = (n: number, slotStart = TUESDAY_9AM, serviceCode = RENEWAL) => ({
  serviceCode,
  slotStart,
  ...applicant(n),
});

describe('node appointments: slots', () => {
  it('lists a day’s slots in the mission’s time zone with their capacity', async () => {
    const { appointments } = await mission();
    const slots = appointments.listSlots({ serviceCode: RENEWAL, from: '2026-03-03', to: '2026-03-03' });
    expect(slots).toHaveLength(10 + 7);
    expect(slots[0]).toEqual({
      start: TUESDAY_9AM,
      end: '2026-03-03T08:20:00.000Z',
      capacity: 3,
      remaining: 3,
    });
    expect(slots.at(-1)?.end).toBe('2026-03-03T15:20:00.000Z');
  });

  it('reads opening hours in local time across a daylight-saving change', async () => {
    const { appointments } = await mission();
    const [winter] = appointments.listSlots({ serviceCode: RENEWAL, from: '2026-03-27', to: '2026-03-27' });
    const [summer] = appointments.listSlots({ serviceCode: RENEWAL, from: '2026-03-30', to: '2026-03-30' });
    expect(winter?.start).toBe('2026-03-27T08:00:00.000Z');
    expect(summer?.start).toBe('2026-03-30T07:00:00.000Z');
  });

  it('offers no slot on weekends, holidays, closures or in the past', async () => {
    const { appointments, store, clock } = await mission();
    const day = (date: string) => appointments.listSlots({ serviceCode: RENEWAL, from: date, to: date });
    expect(day('2026-03-07')).toEqual([]);
    expect(day('2026-05-01')).toEqual([]);
    addClosure(store, { firstDay: '2026-03-04', lastDay: '2026-03-05', reason: 'Inventaire' });
    expect(day('2026-03-04')).toEqual([]);
    expect(day('2026-03-05')).toEqual([]);
    clock.set('2026-03-02T09:05:00.000Z');
    expect(day('2026-03-02')[0]?.start).toBe('2026-03-02T09:20:00.000Z');
  });

  it('lets a service keep its own opening hours over the mission’s', async () => {
    const { appointments, store } = await mission();
    setOpeningHours(store, 'legalisation', [{ weekday: 3, opens: '10:00', closes: '10:30' }]);
    const week = { from: '2026-03-02', to: '2026-03-06' };
    const legalisation = appointments.listSlots({ serviceCode: 'legalisation', ...week });
    expect(legalisation.map((slot) => slot.start)).toEqual([
      '2026-03-04T09:00:00.000Z',
      '2026-03-04T09:10:00.000Z',
      '2026-03-04T09:20:00.000Z',
    ]);
    expect(appointments.listSlots({ serviceCode: RENEWAL, ...week }).length).toBeGreaterThan(50);
  });

  it('counts running holds against the places left, and stops counting them once expired', async () => {
    const { appointments, clock } = await mission();
    appointments.book(booking(1), 'portal');
    const first = () =>
      appointments.listSlots({ serviceCode: RENEWAL, from: '2026-03-03', to: '2026-03-03' })[0];
    expect(first()?.remaining).toBe(2);
    clock.advanceMinutes(16);
    expect(first()?.remaining).toBe(3);
  });

  it('refuses an unknown service, an inverted or too long range', async () => {
    const { appointments } = await mission();
    expect(() =>
      appointments.listSlots({ serviceCode: 'teleport', from: '2026-03-03', to: '2026-03-03' }),
    ).toThrow(expect.objectContaining({ code: 'unknown_service' }));
    expect(() =>
      appointments.listSlots({ serviceCode: RENEWAL, from: '2026-03-05', to: '2026-03-03' }),
    ).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(() =>
      appointments.listSlots({ serviceCode: RENEWAL, from: '2026-03-01', to: '2026-06-01' }),
    ).toThrow(expect.objectContaining({ code: 'invalid_input' }));
  });
});

describe('node appointments: booking and confirmation', () => {
  it('holds a place and sends a 6-digit code by SMS in the applicant’s language', async () => {
    const { appointments, store } = await mission();
    const held = appointments.book({ ...booking(1), lang: 'en' }, 'portal');
    expect(held.reference).toMatch(/^RDV-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    expect(held.holdExpiresAt).toBe('2026-03-02T07:15:00.000Z');
    const [sms] = smsOutbox(store, held.reference);
    expect(sms).toMatchObject({ to: '+33610000001', purpose: 'booking_code' });
    expect(sms?.text).toMatch(
      /^RCA Consulate: code \d{6} to confirm appointment RDV-.* on 03\/03\/2026 at 09:00/,
    );
    expect(appointments.get(held.reference)?.state).toBe('held');
  });

  it('keeps the code only as a keyed hash and the phone and document only encrypted', async () => {
    const { appointments, store } = await mission();
    const held = appointments.book(booking(1), 'portal');
    const code = codeFor(store, held.reference);
    const row = store.db
      .prepare('SELECT * FROM appointments WHERE reference = ?')
      .get(held.reference) as Record<string, unknown>;
    const dump = JSON.stringify(row, (_key, value) =>
      value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : value,
    );
    for (const secret of [code, '+33610000001', 'CF1000001', 'Ngoumbango'])
      expect(dump).not.toContain(secret);
  });

  it('confirms with the code and sends the reference by SMS', async () => {
    const { appointments, store } = await mission();
    const held = appointments.book(booking(1), 'portal');
    const confirmed = appointments.confirm(
      { reference: held.reference, code: codeFor(store, held.reference) },
      'portal',
    );
    expect(confirmed).toEqual({
      reference: held.reference,
      serviceCode: RENEWAL,
      slotStart: TUESDAY_9AM,
      slotEnd: '2026-03-03T08:20:00.000Z',
      state: 'confirmed',
    });
    const last = smsOutbox(store, held.reference).at(-1);
    expect(last?.purpose).toBe('booking_confirmed');
    expect(last?.text).toContain(held.reference);
    expect(appointments.get(held.reference.toLowerCase().replaceAll('-', ' '))?.state).toBe('confirmed');
  });

  it('reports held and booked to the hub without personal data, and audits both', async () => {
    const { appointments, store } = await mission();
    const held = appointments.book(booking(1), 'portal');
    appointments.confirm({ reference: held.reference, code: codeFor(store, held.reference) }, 'portal');
    const events = readBatch(store, { limit: 100, maxBytes: 1e7 })
      .map((item) => item.event)
      .filter((event) => event.entity === 'appointment');
    expect(events.map((event) => event.kind)).toEqual(['appointment.held', 'appointment.booked']);
    expect(events[1]?.data).toMatchObject({
      serviceCode: RENEWAL,
      slotStart: TUESDAY_9AM,
      state: 'confirmed',
    });
    const json = JSON.stringify(events);
    for (const secret of ['+33610000001', 'CF1000001', 'Clarisse', 'Ngoumbango'])
      expect(json).not.toContain(secret);
    const actions = store.db.prepare("SELECT action FROM audit_log WHERE entity = 'appointment'").all();
    expect(actions).toEqual([{ action: 'appointment.held' }, { action: 'appointment.booked' }]);
    expect(verifyAuditChain(store.db).ok).toBe(true);
  });

  it('books the same person again under one person record', async () => {
    const { appointments, store } = await mission();
    appointments.book(booking(1), 'portal');
    appointments.book(
      {
        ...booking(1, '2026-03-04T08:00:00.000Z'),
        applicant: { givenNames: 'CLARISSE 1', familyName: 'Ngoumbango' },
      },
      'portal',
    );
    const people = store.db.prepare('SELECT count(DISTINCT person_id) AS n FROM appointments').get();
    expect(people).toEqual({ n: 1 });
  });
});

describe('node appointments: refusals', () => {
  it('refuses an unknown or suspended service', async () => {
    const { appointments, store } = await mission();
    expect(() => appointments.book(booking(1, TUESDAY_9AM, 'teleport'), 'portal')).toThrow(
      expect.objectContaining({ code: 'unknown_service' }),
    );
    setServiceOverride(store, RENEWAL, { active: false }, 'consul:mbaiki');
    expect(() => appointments.book(booking(1), 'portal')).toThrow(
      expect.objectContaining({ code: 'unknown_service' }),
    );
  });

  it('refuses to start with a time zone that does not exist', async () => {
    const { store, people } = await mission();
    expect(() =>
      createAppointments({ store, people, timeZone: 'Africa/Atlantis', defaultRegion: 'FR' }),
    ).toThrow(TypeError);
  });

  it('refuses a slot outside opening hours or off the slot grid', async () => {
    const { appointments } = await mission();
    for (const slotStart of [
      '2026-03-03T06:00:00.000Z',
      '2026-03-03T08:10:00.000Z',
      '2026-03-07T09:00:00.000Z',
    ]) {
      expect(() => appointments.book(booking(1, slotStart), 'portal')).toThrow(
        expect.objectContaining({ code: 'outside_opening_hours' }),
      );
    }
  });

  it('refuses a slot on a closure or a holiday', async () => {
    const { appointments, store } = await mission();
    addClosure(store, { firstDay: '2026-03-03', lastDay: '2026-03-03', reason: 'Visite officielle' });
    expect(() => appointments.book(booking(1), 'portal')).toThrow(
      expect.objectContaining({ code: 'closed' }),
    );
    expect(() => appointments.book(booking(1, '2026-05-01T07:00:00.000Z'), 'portal')).toThrow(
      expect.objectContaining({ code: 'closed' }),
    );
  });

  it('refuses a slot that has begun or is beyond the booking horizon', async () => {
    const { appointments } = await mission({ horizonDays: 30 });
    expect(() => appointments.book(booking(1, '2026-02-27T08:00:00.000Z'), 'portal')).toThrow(
      expect.objectContaining({ code: 'slot_in_past' }),
    );
    expect(() => appointments.book(booking(1, '2026-04-14T07:00:00.000Z'), 'portal')).toThrow(
      expect.objectContaining({ code: 'beyond_horizon' }),
    );
  });

  it('refuses a full slot', async () => {
    const { appointments } = await mission();
    for (const n of [1, 2, 3]) appointments.book(booking(n), 'portal');
    expect(() => appointments.book(booking(4), 'portal')).toThrow(
      expect.objectContaining({ code: 'slot_full' }),
    );
  });

  it('refuses unknown fields, a bad phone number and a malformed slot', async () => {
    const { appointments } = await mission();
    const cases = [
      { ...booking(1), seat: 'front' },
      { ...booking(1), phone: '12' },
      { ...booking(1), slotStart: 'tomorrow' },
      { ...booking(1), applicant: { givenNames: 'A', familyName: 'B', nickname: 'C' } },
    ];
    for (const input of cases) {
      expect(() => appointments.book(input as never, 'portal')).toThrow(
        expect.objectContaining({ code: 'invalid_input' }),
      );
    }
  });

  it('refuses a wrong code, then releases the place after too many attempts', async () => {
    const { appointments, store } = await mission({ maxCodeAttempts: 3 });
    const { reference } = appointments.book(booking(1), 'portal');
    const bad = { reference, code: wrongCode(codeFor(store, reference)) };
    expect(() => appointments.confirm(bad, 'portal')).toThrow(
      expect.objectContaining({ code: 'wrong_code' }),
    );
    expect(() => appointments.confirm(bad, 'portal')).toThrow(
      expect.objectContaining({ code: 'wrong_code' }),
    );
    expect(() => appointments.confirm(bad, 'portal')).toThrow(
      expect.objectContaining({ code: 'too_many_attempts' }),
    );
    expect(appointments.get(reference)?.state).toBe('expired');
    const right = { reference, code: codeFor(store, reference) };
    expect(() => appointments.confirm(right, 'portal')).toThrow(
      expect.objectContaining({ code: 'invalid_state' }),
    );
    const [slot] = appointments.listSlots({ serviceCode: RENEWAL, from: '2026-03-03', to: '2026-03-03' });
    expect(slot?.remaining).toBe(3);
  });

  it('refuses a code after the hold has expired', async () => {
    const { appointments, store, clock } = await mission({ holdMinutes: 10 });
    const { reference } = appointments.book(booking(1), 'portal');
    clock.advanceMinutes(10);
    expect(appointments.get(reference)?.state).toBe('expired');
    const code = codeFor(store, reference);
    expect(() => appointments.confirm({ reference, code }, 'portal')).toThrow(
      expect.objectContaining({ code: 'hold_expired' }),
    );
    expect(() => appointments.confirm({ reference, code }, 'portal')).toThrow(
      expect.objectContaining({ code: 'invalid_state' }),
    );
  });

  it('refuses an unknown reference', async () => {
    const { appointments } = await mission();
    expect(() => appointments.confirm({ reference: 'RDV-2222-2222', code: '123456' }, 'portal')).toThrow(
      expect.objectContaining({ code: 'not_found' }),
    );
    expect(appointments.get('not a reference')).toBeUndefined();
  });
});

describe('node appointments: anti-hoarding limits', () => {
  const SLOT_2 = '2026-03-03T08:20:00.000Z';
  const SLOT_3 = '2026-03-03T08:40:00.000Z';
  const confirm = (a: Awaited<ReturnType<typeof mission>>, reference: string) =>
    a.appointments.confirm({ reference, code: codeFor(a.store, reference) }, 'portal');

  it('refuses to confirm past the per-phone limit, and keeps the hold to confirm once another is cancelled', async () => {
    const m = await mission({ maxActivePerPhone: 2 });
    const samePhone = (n: number, slotStart: string) => ({
      ...booking(n, slotStart),
      phone: '06 99 88 77 66',
    });
    const first = m.appointments.book(samePhone(1, TUESDAY_9AM), 'portal').reference;
    confirm(m, first);
    confirm(m, m.appointments.book(samePhone(2, SLOT_2), 'portal').reference);
    const third = m.appointments.book(samePhone(3, SLOT_3), 'portal').reference;
    expect(() => confirm(m, third)).toThrow(expect.objectContaining({ code: 'phone_limit' }));
    expect(m.appointments.get(third)?.state).toBe('held');
    m.appointments.cancel({ reference: first, phone: '06 99 88 77 66' }, { actor: 'portal', staff: false });
    expect(confirm(m, third).state).toBe('confirmed');
  });

  it('refuses to confirm past the per-person limit on one phone, whatever the spelling of the document', async () => {
    const m = await mission({ maxActivePerPerson: 2 });
    const samePassport = (n: number, slotStart: string, documentNumber: string) => ({
      ...booking(n, slotStart),
      phone: applicant(1).phone,
      documentNumber,
    });
    confirm(m, m.appointments.book(samePassport(1, TUESDAY_9AM, 'CF 77 123'), 'portal').reference);
    confirm(m, m.appointments.book(samePassport(2, SLOT_2, 'cf77-123'), 'portal').reference);
    const third = m.appointments.book(samePassport(3, SLOT_3, 'CF77123'), 'portal').reference;
    expect(() => confirm(m, third)).toThrow(expect.objectContaining({ code: 'person_limit' }));
  });

  it('counts no booking of the person made from another phone: its owner would learn what they do not know', async () => {
    const m = await mission({ maxActivePerPerson: 1 });
    const passport = { documentNumber: 'CF77123' };
    confirm(m, m.appointments.book({ ...booking(1), ...passport }, 'portal').reference);
    const other = m.appointments.book({ ...booking(2, SLOT_2), ...passport }, 'portal').reference;
    expect(confirm(m, other).state).toBe('confirmed');
  });

  it('holds a place whatever the phone and the document already have, and answers alike', async () => {
    const m = await mission({ maxActivePerPhone: 1, maxActivePerPerson: 1 });
    confirm(m, m.appointments.book(booking(1), 'portal').reference);
    const strip = ({ reference: _, ...rest }: { reference: string }) => rest;
    const known = m.appointments.book(booking(1, SLOT_2), 'portal');
    const unknown = m.appointments.book(booking(2, SLOT_2), 'portal');
    expect(strip(known)).toEqual(strip(unknown));
  });

  it('counts no unconfirmed hold against the phone or the document: strangers’ holds never block the owner', async () => {
    const m = await mission({ maxActivePerPhone: 1, maxActivePerPerson: 1 });
    for (const slot of [TUESDAY_9AM, SLOT_2, SLOT_3]) m.appointments.book(booking(1, slot), 'stranger');
    const own = m.appointments.book(booking(1, '2026-03-03T09:00:00.000Z'), 'portal').reference;
    expect(confirm(m, own).state).toBe('confirmed');
  });

  it('still expires the strangers’ holds when their window ends', async () => {
    const m = await mission();
    const held = [TUESDAY_9AM, SLOT_2].map(
      (slot) => m.appointments.book(booking(1, slot), 'stranger').reference,
    );
    m.clock.advanceMinutes(15);
    expect(m.appointments.expireHolds().sort()).toEqual(held.sort());
  });
});

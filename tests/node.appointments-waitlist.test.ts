import { afterEach, describe, expect, it } from 'vitest';
import { addClosure, setOpeningHours } from '../node/services/appointments/calendar.js';
import { readBatch } from '../node/services/outbox/outbox.js';
import { applicant, codeFor, openMission, smsOutbox, wrongCode } from './_util/appointments.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

type Mission = Awaited<ReturnType<typeof openMission>>;

// life-certificate: one place per slot; here a single 10-minute slot on Wednesdays at 10:00 (Paris).
const SERVICE = 'life-certificate';
const DAY = '2026-03-04';
const SLOT = '2026-03-04T09:00:00.000Z';
const staff = { actor: 'agent:yakite', staff: true };

async function mission(rules?: Parameters<typeof openMission>[0]) {
  const opened = await openMission({ offerHoldMinutes: 60, ...rules });
  cleanups.push(opened.cleanup);
  setOpeningHours(opened.store, SERVICE, [{ weekday: 3, opens: '10:00', closes: '10:10' }]);
  return opened;
}

function bookAndConfirm({ appointments, store }: Mission, n: number): string {
  const { reference } = appointments.book(
    { serviceCode: SERVICE, slotStart: SLOT, ...applicant(n) },
    'portal',
  );
  appointments.confirm({ reference, code: codeFor(store, reference) }, 'portal');
  return reference;
}

const wait = ({ appointments }: Mission, n: number, day = DAY) =>
  appointments.joinWaitlist({ serviceCode: SERVICE, day, ...applicant(n) }, 'portal');

/** The booking offered to applicant n (by the phone its SMS went to). */
function offerTo({ store }: Mission, n: number): string | undefined {
  const phone = `+336${String(10_000_000 + n).slice(-8)}`;
  return (
    smsOutbox(store).findLast((sms) => sms.purpose === 'waitlist_offer' && sms.to === phone)?.ref ?? undefined
  );
}

function waitlistStates({ store }: Mission): string[] {
  return (
    store.db.prepare('SELECT state FROM waitlist ORDER BY created_at, rowid').all() as { state: string }[]
  ).map((row) => row.state);
}

describe('node appointments: waiting list', () => {
  it('refuses to queue for a day that still has a free place', async () => {
    const m = await mission();
    expect(() => wait(m, 1)).toThrow(expect.objectContaining({ code: 'slots_available' }));
  });

  it('queues people for a full day in order, once each', async () => {
    const m = await mission();
    bookAndConfirm(m, 1);
    expect(wait(m, 2).position).toBe(1);
    expect(wait(m, 3).position).toBe(2);
    expect(() => wait(m, 2)).toThrow(expect.objectContaining({ code: 'already_waiting' }));
  });

  it('refuses to queue for a closed day or a day without opening hours', async () => {
    const m = await mission();
    addClosure(m.store, { firstDay: '2026-03-11', lastDay: '2026-03-11', reason: 'Fermeture' });
    expect(() => wait(m, 1, '2026-03-11')).toThrow(expect.objectContaining({ code: 'closed' }));
    expect(() => wait(m, 1, '2026-03-05')).toThrow(
      expect.objectContaining({ code: 'outside_opening_hours' }),
    );
  });

  it('offers a freed place to the first in line, who confirms it with the SMS code', async () => {
    const m = await mission();
    const first = bookAndConfirm(m, 1);
    wait(m, 2);
    wait(m, 3);
    m.appointments.cancel({ reference: first }, staff);
    const offered = offerTo(m, 2);
    expect(offered).toBeDefined();
    expect(offerTo(m, 3)).toBeUndefined();
    const view = m.appointments.get(offered!);
    expect(view).toMatchObject({ state: 'held', slotStart: SLOT, holdExpiresAt: '2026-03-02T08:00:00.000Z' });
    const confirmed = m.appointments.confirm(
      { reference: offered!, code: codeFor(m.store, offered!) },
      'portal',
    );
    expect(confirmed.state).toBe('confirmed');
    expect(waitlistStates(m)).toEqual(['booked', 'waiting']);
    const kinds = readBatch(m.store, { limit: 1000, maxBytes: 1e8 }).map((item) => item.event.kind);
    expect(kinds).toEqual(expect.arrayContaining(['waitlist.joined', 'waitlist.offered', 'waitlist.booked']));
  });

  it('passes the offer to the next in line when its hold window ends unconfirmed', async () => {
    const m = await mission();
    const first = bookAndConfirm(m, 1);
    wait(m, 2);
    wait(m, 3);
    m.appointments.cancel({ reference: first }, staff);
    const lapsed = offerTo(m, 2)!;
    m.clock.advanceMinutes(59);
    expect(m.appointments.expireHolds()).toEqual([]);
    m.clock.advanceMinutes(1);
    expect(m.appointments.expireHolds()).toEqual([lapsed]);
    const next = offerTo(m, 3);
    expect(next).toBeDefined();
    expect(waitlistStates(m)).toEqual(['lapsed', 'offered']);
    expect(() =>
      m.appointments.confirm({ reference: lapsed, code: codeFor(m.store, lapsed) }, 'portal'),
    ).toThrow(expect.objectContaining({ code: 'invalid_state' }));
    expect(m.appointments.confirm({ reference: next!, code: codeFor(m.store, next!) }, 'portal').state).toBe(
      'confirmed',
    );
  });

  it('passes the offer on after too many wrong codes, and frees the place when no one is left', async () => {
    const m = await mission({ maxCodeAttempts: 1 });
    const first = bookAndConfirm(m, 1);
    wait(m, 2);
    m.appointments.cancel({ reference: first }, staff);
    const offered = offerTo(m, 2)!;
    const bad = { reference: offered, code: wrongCode(codeFor(m.store, offered)) };
    expect(() => m.appointments.confirm(bad, 'portal')).toThrow(
      expect.objectContaining({ code: 'too_many_attempts' }),
    );
    expect(waitlistStates(m)).toEqual(['lapsed']);
    expect(m.appointments.listSlots({ serviceCode: SERVICE, from: DAY, to: DAY })[0]?.remaining).toBe(1);
  });

  it('offers the place of an ordinary hold that expired', async () => {
    const m = await mission();
    const held = m.appointments.book({ serviceCode: SERVICE, slotStart: SLOT, ...applicant(1) }, 'portal');
    expect(() =>
      m.appointments.book({ serviceCode: SERVICE, slotStart: SLOT, ...applicant(2) }, 'portal'),
    ).toThrow(expect.objectContaining({ code: 'slot_full' }));
    wait(m, 2);
    m.clock.advanceMinutes(15);
    expect(m.appointments.expireHolds()).toEqual([held.reference]);
    expect(offerTo(m, 2)).toBeDefined();
  });

  it('offers the place a reschedule frees', async () => {
    const m = await mission();
    setOpeningHours(m.store, SERVICE, [
      { weekday: 3, opens: '10:00', closes: '10:10' },
      { weekday: 4, opens: '10:00', closes: '10:10' },
    ]);
    const moving = bookAndConfirm(m, 1);
    wait(m, 2);
    m.appointments.reschedule({ reference: moving, slotStart: '2026-03-05T09:00:00.000Z' }, staff);
    expect(m.appointments.get(offerTo(m, 2)!)).toMatchObject({ state: 'held', slotStart: SLOT });
  });
});

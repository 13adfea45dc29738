import { afterEach, describe, expect, it } from 'vitest';
import { addClosure } from '../node/services/appointments/calendar.js';
import { readBatch } from '../node/services/outbox/outbox.js';
import { applicant, codeFor, openMission, smsOutbox, TUESDAY_9AM } from './_util/appointments.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

type Mission = Awaited<ReturnType<typeof openMission>>;

async function mission(rules?: Parameters<typeof openMission>[0]) {
  const opened = await openMission(rules);
  cleanups.push(opened.cleanup);
  return opened;
}

const RENEWAL = 'passport-renewal';
const NINE_TWENTY = '2026-03-03T08:20:00.000Z';
const WEDNESDAY_9AM = '2026-03-04T08:00:00.000Z';
const staff = { actor: 'agent:yakite', staff: true };

function bookAndConfirm({ appointments, store }: Mission, n: number, slotStart = TUESDAY_9AM): string {
  const { reference } = appointments.book({ serviceCode: RENEWAL, slotStart, ...applicant(n) }, 'portal');
  appointments.confirm({ reference, code: codeFor(store, reference) }, 'portal');
  return reference;
}

function remaining({ appointments }: Mission, slotStart: string): number | undefined {
  const day = slotStart.slice(0, 10);
  return appointments
    .listSlots({ serviceCode: RENEWAL, from: day, to: day })
    .find((s) => s.start === slotStart)?.remaining;
}

function eventKinds({ store }: Mission): string[] {
  return readBatch(store, { limit: 1000, maxBytes: 1e8 })
    .map((item) => item.event)
    .filter((event) => event.entity === 'appointment')
    .map((event) => event.kind);
}

describe('node appointments: cancel', () => {
  it('cancels for the applicant who gives the booking’s phone, and frees the place', async () => {
    const m = await mission();
    const reference = bookAndConfirm(m, 1);
    expect(remaining(m, TUESDAY_9AM)).toBe(2);
    const cancelled = m.appointments.cancel(
      { reference, phone: '06 10 00 00 01' },
      { actor: 'portal', staff: false },
    );
    expect(cancelled.state).toBe('cancelled');
    expect(remaining(m, TUESDAY_9AM)).toBe(3);
    expect(smsOutbox(m.store, reference).at(-1)?.purpose).toBe('booking_cancelled');
    expect(eventKinds(m)).toContain('appointment.cancelled');
  });

  it('answers not_found to an applicant with another phone, and lets staff cancel', async () => {
    const m = await mission();
    const reference = bookAndConfirm(m, 1);
    const applicantCaller = { actor: 'portal', staff: false };
    expect(() => m.appointments.cancel({ reference, phone: '+33 6 55 44 33 22' }, applicantCaller)).toThrow(
      expect.objectContaining({ code: 'not_found' }),
    );
    expect(() => m.appointments.cancel({ reference }, applicantCaller)).toThrow(
      expect.objectContaining({ code: 'not_found' }),
    );
    expect(m.appointments.cancel({ reference }, staff).state).toBe('cancelled');
  });

  it('refuses to cancel twice or after the appointment has begun', async () => {
    const m = await mission();
    const first = bookAndConfirm(m, 1);
    m.appointments.cancel({ reference: first }, staff);
    expect(() => m.appointments.cancel({ reference: first }, staff)).toThrow(
      expect.objectContaining({ code: 'invalid_state' }),
    );
    const second = bookAndConfirm(m, 2);
    m.clock.set('2026-03-03T08:05:00.000Z');
    expect(() => m.appointments.cancel({ reference: second }, staff)).toThrow(
      expect.objectContaining({ code: 'invalid_state' }),
    );
  });
});

describe('node appointments: reschedule', () => {
  it('moves a confirmed booking, keeps its reference and frees the old place', async () => {
    const m = await mission();
    const reference = bookAndConfirm(m, 1);
    const moved = m.appointments.reschedule(
      { reference, slotStart: WEDNESDAY_9AM, phone: '+33610000001' },
      { actor: 'portal', staff: false },
    );
    expect(moved).toMatchObject({ reference, slotStart: WEDNESDAY_9AM, state: 'confirmed' });
    expect(remaining(m, TUESDAY_9AM)).toBe(3);
    expect(remaining(m, WEDNESDAY_9AM)).toBe(2);
    const sms = smsOutbox(m.store, reference).at(-1);
    expect(sms?.purpose).toBe('booking_rescheduled');
    expect(sms?.text).toContain('04/03/2026 a 09:00');
    const event = readBatch(m.store, { limit: 100, maxBytes: 1e8 }).find(
      (i) => i.event.kind === 'appointment.rescheduled',
    );
    expect(event?.event.data).toMatchObject({ fromSlotStart: TUESDAY_9AM, slotStart: WEDNESDAY_9AM });
  });

  it('leaves the booking intact when the new slot is full', async () => {
    const m = await mission();
    const reference = bookAndConfirm(m, 1);
    for (const n of [2, 3, 4]) bookAndConfirm(m, n, WEDNESDAY_9AM);
    expect(() => m.appointments.reschedule({ reference, slotStart: WEDNESDAY_9AM }, staff)).toThrow(
      expect.objectContaining({ code: 'slot_full' }),
    );
    expect(m.appointments.get(reference)).toMatchObject({ slotStart: TUESDAY_9AM, state: 'confirmed' });
    expect(remaining(m, TUESDAY_9AM)).toBe(2);
    expect(eventKinds(m)).not.toContain('appointment.rescheduled');
  });

  it('leaves the booking intact when the new slot is closed or outside the hours', async () => {
    const m = await mission();
    const reference = bookAndConfirm(m, 1);
    addClosure(m.store, {
      firstDay: '2026-03-04',
      lastDay: '2026-03-04',
      reason: 'Fermeture exceptionnelle',
    });
    expect(() => m.appointments.reschedule({ reference, slotStart: WEDNESDAY_9AM }, staff)).toThrow(
      expect.objectContaining({ code: 'closed' }),
    );
    expect(() =>
      m.appointments.reschedule({ reference, slotStart: '2026-03-03T05:00:00.000Z' }, staff),
    ).toThrow(expect.objectContaining({ code: 'outside_opening_hours' }));
    expect(m.appointments.get(reference)).toMatchObject({ slotStart: TUESDAY_9AM, state: 'confirmed' });
  });

  it('refuses to move a booking that is only held, or into its own slot', async () => {
    const m = await mission();
    const { reference } = m.appointments.book(
      { serviceCode: RENEWAL, slotStart: TUESDAY_9AM, ...applicant(1) },
      'portal',
    );
    expect(() => m.appointments.reschedule({ reference, slotStart: WEDNESDAY_9AM }, staff)).toThrow(
      expect.objectContaining({ code: 'invalid_state' }),
    );
    const confirmed = bookAndConfirm(m, 2);
    expect(() => m.appointments.reschedule({ reference: confirmed, slotStart: TUESDAY_9AM }, staff)).toThrow(
      expect.objectContaining({ code: 'invalid_state' }),
    );
  });
});

describe('node appointments: check-in and no-show', () => {
  const identity = { givenNames: 'Clarisse 1', familyName: 'Ngoumbango', documentNumber: 'CF1000001' };

  it('checks in the named person with the document given at booking', async () => {
    const m = await mission();
    const reference = bookAndConfirm(m, 1);
    m.clock.set('2026-03-03T07:50:00.000Z');
    const spelled = { givenNames: 'CLARISSE  1', familyName: 'ngoumbangó', documentNumber: 'cf 1000001' };
    expect(m.appointments.checkIn({ reference, ...spelled }, 'agent:yakite').state).toBe('checked_in');
    expect(eventKinds(m)).toContain('appointment.checked_in');
    expect(() => m.appointments.checkIn({ reference, ...identity }, 'agent:yakite')).toThrow(
      expect.objectContaining({ code: 'invalid_state' }),
    );
  });

  it('refuses check-in under another name or with another document: slots are not transferable', async () => {
    const m = await mission();
    const reference = bookAndConfirm(m, 1);
    m.clock.set('2026-03-03T07:50:00.000Z');
    const otherName = { ...identity, givenNames: 'Sylvie' };
    const otherDocument = { ...identity, documentNumber: 'CF9999999' };
    for (const who of [otherName, otherDocument]) {
      expect(() => m.appointments.checkIn({ reference, ...who }, 'agent:yakite')).toThrow(
        expect.objectContaining({ code: 'identity_mismatch' }),
      );
    }
    expect(m.appointments.get(reference)?.state).toBe('confirmed');
  });

  it('refuses check-in on another day or of a booking never confirmed', async () => {
    const m = await mission();
    const reference = bookAndConfirm(m, 1);
    expect(() => m.appointments.checkIn({ reference, ...identity }, 'agent:yakite')).toThrow(
      expect.objectContaining({ code: 'wrong_day' }),
    );
    const held = m.appointments.book(
      { serviceCode: RENEWAL, slotStart: NINE_TWENTY, ...applicant(2) },
      'portal',
    );
    m.clock.set('2026-03-03T07:50:00.000Z');
    const second = { givenNames: 'Clarisse 2', familyName: 'Ngoumbango', documentNumber: 'CF1000002' };
    expect(() => m.appointments.checkIn({ reference: held.reference, ...second }, 'agent')).toThrow(
      expect.objectContaining({ code: 'invalid_state' }),
    );
  });

  it('marks confirmed bookings not checked in as no-shows once the slot and grace are over', async () => {
    const m = await mission({ noShowGraceMinutes: 30 });
    const missed = bookAndConfirm(m, 1);
    const attended = bookAndConfirm(m, 2);
    m.clock.set('2026-03-03T08:05:00.000Z');
    m.appointments.checkIn(
      {
        reference: attended,
        givenNames: 'Clarisse 2',
        familyName: 'Ngoumbango',
        documentNumber: 'CF1000002',
      },
      'agent',
    );
    m.clock.set('2026-03-03T08:45:00.000Z');
    expect(m.appointments.markNoShows()).toEqual([]);
    m.clock.set('2026-03-03T08:50:00.000Z');
    expect(m.appointments.markNoShows()).toEqual([missed]);
    expect(m.appointments.get(missed)?.state).toBe('no_show');
    expect(m.appointments.get(attended)?.state).toBe('checked_in');
    expect(m.appointments.markNoShows()).toEqual([]);
    expect(eventKinds(m).filter((kind) => kind === 'appointment.no_show')).toHaveLength(1);
  });

  it('lists the day’s bookings for the counter with the identity to check', async () => {
    const m = await mission();
    const reference = bookAndConfirm(m, 1);
    m.appointments.book({ serviceCode: RENEWAL, slotStart: NINE_TWENTY, ...applicant(2) }, 'portal');
    expect(m.appointments.counterList('2026-03-03')).toEqual([
      {
        reference,
        serviceCode: RENEWAL,
        slotStart: TUESDAY_9AM,
        slotEnd: NINE_TWENTY,
        state: 'confirmed',
        ...identity,
      },
    ]);
  });
});

describe('node appointments: reminders', () => {
  it('queues one reminder per booking due within the lead time, however often the job runs', async () => {
    const m = await mission({ reminderLeadHours: 24 });
    const tuesday = bookAndConfirm(m, 1);
    const wednesday = bookAndConfirm(m, 2, WEDNESDAY_9AM);
    m.clock.set('2026-03-02T09:00:00.000Z');
    expect(m.appointments.queueReminders()).toEqual([tuesday]);
    expect(m.appointments.queueReminders()).toEqual([]);
    const reminders = smsOutbox(m.store).filter((sms) => sms.purpose === 'reminder');
    expect(reminders).toHaveLength(1);
    expect(reminders[0]?.text).toContain(tuesday);
    m.clock.set('2026-03-03T09:00:00.000Z');
    expect(m.appointments.queueReminders()).toEqual([wednesday]);
  });

  it('reminds again after a reschedule, and never a cancelled booking', async () => {
    const m = await mission();
    const moved = bookAndConfirm(m, 1);
    const cancelled = bookAndConfirm(m, 2);
    m.clock.set('2026-03-02T09:00:00.000Z');
    m.appointments.queueReminders();
    m.appointments.cancel({ reference: cancelled }, staff);
    m.appointments.reschedule({ reference: moved, slotStart: WEDNESDAY_9AM }, staff);
    m.clock.set('2026-03-03T09:00:00.000Z');
    expect(m.appointments.queueReminders()).toEqual([moved]);
  });
});

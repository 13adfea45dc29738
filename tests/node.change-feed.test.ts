import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { immediateTransaction } from '../node/db/transaction.js';
import type { Change } from '../node/services/changes/change.js';
import { createChangeFeed } from '../node/services/changes/change-feed.js';
import { appendEvent, newEvent } from '../node/services/outbox/outbox.js';
import { enqueueMessage } from '../node/services/outbox/pending-messages.js';
import { DIRECTIVE_ACK, DIRECTIVE_RECEIPT } from '../protocol/index.js';
import { applicant, codeFor, openMission, TUESDAY_9AM } from './_util/appointments.js';

const RENEWAL = 'passport-renewal';
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function watched() {
  const mission = await openMission();
  cleanups.push(mission.cleanup);
  const feed = createChangeFeed(mission.store);
  cleanups.push(() => feed.close());
  const heard: Change[] = [];
  const stop = feed.subscribe((change) => heard.push(change));
  return { ...mission, feed, heard, stop };
}

/** Lets the feed look: it reads on the turn after the write's transaction. */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 3; turn += 1) await new Promise((resolve) => setImmediate(resolve));
}

const ofArea = (heard: readonly Change[], area: string) => heard.filter((c) => c.type.startsWith(`${area}.`));

describe('node change feed: what the open screens hear', () => {
  it('tells a booking held then confirmed by its reference, service and state, at the service’s time', async () => {
    const m = await watched();
    const { reference } = m.appointments.book(
      { serviceCode: RENEWAL, slotStart: TUESDAY_9AM, ...applicant(1) },
      'portal',
    );
    await settle();
    m.clock.advanceMinutes(2);
    m.appointments.confirm({ reference, code: codeFor(m.store, reference) }, 'portal');
    await settle();
    expect(ofArea(m.heard, 'appointment')).toEqual([
      {
        type: 'appointment.held',
        ref: reference,
        serviceCode: RENEWAL,
        state: 'held',
        at: '2026-03-02T07:00:00.000Z',
      },
      {
        type: 'appointment.booked',
        ref: reference,
        serviceCode: RENEWAL,
        state: 'confirmed',
        at: '2026-03-02T07:02:00.000Z',
      },
    ]);
    // Nothing personal: the applicant's names and phone are nowhere in what was told.
    const told = JSON.stringify(m.heard);
    expect(told).not.toContain('Ngoumbango');
    expect(told).not.toContain('10000001');
  });

  it('tells each committed change once, however many writes share a turn and however often it looks', async () => {
    const m = await watched();
    for (const n of [1, 2, 3]) {
      m.appointments.book({ serviceCode: RENEWAL, slotStart: TUESDAY_9AM, ...applicant(n) }, 'portal');
    }
    await settle();
    await settle();
    const held = ofArea(m.heard, 'appointment');
    expect(held.map((c) => c.type)).toEqual(['appointment.held', 'appointment.held', 'appointment.held']);
    expect(new Set(held.map((c) => c.ref)).size).toBe(3);
  });

  it('tells nothing of a change rolled back', async () => {
    const m = await watched();
    expect(() =>
      immediateTransaction(m.store.db, () => {
        appendEvent(
          m.store,
          newEvent({ kind: 'survey.answered', entity: 'file', entityId: 'f1', data: { rating: 4 } }),
        );
        throw new Error('the change fails after writing its event');
      }),
    ).toThrow('the change fails');
    await settle();
    expect(m.heard).toEqual([]);
    // A committed change after it is told: the feed was looking.
    appendEvent(
      m.store,
      newEvent({ kind: 'survey.answered', entity: 'file', entityId: 'f2', data: { rating: 5 } }),
    );
    await settle();
    expect(m.heard.map((c) => c.type)).toEqual(['survey.answered']);
  });

  it('tells a new listener nothing of what happened while nobody listened', async () => {
    const m = await watched();
    m.stop();
    expect(m.feed.size).toBe(0);
    m.appointments.book({ serviceCode: RENEWAL, slotStart: TUESDAY_9AM, ...applicant(1) }, 'portal');
    await settle();
    const later: Change[] = [];
    m.feed.subscribe((change) => later.push(change));
    const { reference } = m.appointments.book(
      { serviceCode: RENEWAL, slotStart: TUESDAY_9AM, ...applicant(2) },
      'portal',
    );
    await settle();
    expect(ofArea(later, 'appointment')).toEqual([
      expect.objectContaining({ type: 'appointment.held', ref: reference }),
    ]);
    expect(m.heard).toEqual([]);
  });

  it('tells the no-shows a job marks, not only what a route does', async () => {
    const m = await watched();
    const { reference } = m.appointments.book(
      { serviceCode: RENEWAL, slotStart: TUESDAY_9AM, ...applicant(1) },
      'portal',
    );
    m.appointments.confirm({ reference, code: codeFor(m.store, reference) }, 'portal');
    m.clock.set('2026-03-03T12:00:00.000Z');
    expect(m.appointments.markNoShows('system:jobs')).toEqual([reference]);
    await settle();
    expect(ofArea(m.heard, 'appointment').at(-1)).toEqual(
      expect.objectContaining({ type: 'appointment.no_show', ref: reference, state: 'no_show' }),
    );
  });

  it('tells a directive received from the hub and its acknowledgement', async () => {
    const m = await watched();
    const directiveId = randomUUID();
    enqueueMessage(m.store, DIRECTIVE_RECEIPT, { directiveId, receivedAt: '2026-03-02T07:10:00.000Z' });
    await settle();
    enqueueMessage(m.store, DIRECTIVE_ACK, {
      directiveId,
      acknowledgedAt: '2026-03-02T07:20:00.000Z',
      acknowledgedBy: 'consul',
    });
    await settle();
    expect(m.heard).toEqual([
      { type: 'directive.received', ref: directiveId, state: 'received', at: '2026-03-02T07:10:00.000Z' },
      {
        type: 'directive.acknowledged',
        ref: directiveId,
        state: 'acknowledged',
        at: '2026-03-02T07:20:00.000Z',
      },
    ]);
  });

  it('stops looking once closed', async () => {
    const m = await watched();
    m.feed.close();
    m.appointments.book({ serviceCode: RENEWAL, slotStart: TUESDAY_9AM, ...applicant(1) }, 'portal');
    await settle();
    expect(m.heard).toEqual([]);
  });
});

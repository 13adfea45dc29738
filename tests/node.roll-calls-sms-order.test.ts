import { afterEach, describe, expect, it } from 'vitest';
import { dispatchDueSms } from '../node/notify/sms-dispatcher.js';
import type { SmsGateway } from '../node/notify/sms-gateways.js';
import { enqueueSms, type SmsPurpose } from '../node/services/outbox/sms-outbox.js';
import { openTempStore, type TempStore } from './_util/node-store.js';

let temp: TempStore | undefined;
afterEach(async () => {
  await temp?.cleanup();
  temp = undefined;
});

/** A gateway that takes everything and remembers the texts in the order handed over. */
function recordingGateway(): SmsGateway & { readonly texts: string[] } {
  const texts: string[] = [];
  return {
    texts,
    send: async (sms) => {
      texts.push(sms.text);
    },
  };
}

const AT = new Date('2026-12-06T08:00:00.000Z');

function queue(store: TempStore['store'], purpose: SmsPurpose, text: string, to = '+33612345678') {
  enqueueSms(store, { to, text, purpose }, AT);
}

describe('the SMS outbox hands time-critical SMS out first', () => {
  it('sends a booking code queued after 500 roll-call SMS before any of them', async () => {
    temp = await openTempStore();
    const { store } = temp;
    for (let i = 0; i < 500; i++)
      queue(store, 'roll_call', `roll-call ${i}`, `+336${String(10_000_000 + i)}`);
    queue(store, 'booking_code', 'Code: 481516');
    const gateway = recordingGateway();
    await dispatchDueSms(store, gateway, () => AT);
    expect(gateway.texts[0]).toBe('Code: 481516');
    expect(gateway.texts.slice(1, 4)).toEqual(['roll-call 0', 'roll-call 1', 'roll-call 2']);
  });

  it('orders codes, then the other news of a change, then roll-call SMS, oldest first within each', async () => {
    temp = await openTempStore();
    const { store } = temp;
    queue(store, 'roll_call', 'roll-call A');
    queue(store, 'file_status', 'status 1');
    queue(store, 'roll_call', 'roll-call B');
    queue(store, 'booking_code', 'code 1');
    queue(store, 'reminder', 'reminder 1');
    queue(store, 'booking_code', 'code 2');
    const gateway = recordingGateway();
    expect(await dispatchDueSms(store, gateway, () => AT)).toBe(6);
    expect(gateway.texts).toEqual([
      'code 1',
      'code 2',
      'status 1',
      'reminder 1',
      'roll-call A',
      'roll-call B',
    ]);
  });

  it('still sends first a code whose earlier attempt failed, once it is due again', async () => {
    temp = await openTempStore();
    const { store } = temp;
    queue(store, 'booking_code', 'code 1');
    await dispatchDueSms(store, { send: () => Promise.reject(new Error('gateway unreachable')) }, () => AT);
    for (let i = 0; i < 60; i++) queue(store, 'roll_call', `roll-call ${i}`, `+336${String(10_000_000 + i)}`);
    const gateway = recordingGateway();
    const later = new Date(AT.getTime() + 60_000);
    await dispatchDueSms(store, gateway, () => later);
    expect(gateway.texts[0]).toBe('code 1');
  });

  it('reads the pending SMS in that order from an index, with no sort', async () => {
    temp = await openTempStore();
    const plan = temp.store.db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT id FROM sms_outbox WHERE state = 'pending' AND next_attempt_at <= ?
         ORDER BY (CASE purpose WHEN 'booking_code' THEN 0 WHEN 'roll_call' THEN 2 ELSE 1 END), id LIMIT 50`,
      )
      .all(AT.toISOString()) as { detail: string }[];
    const details = plan.map((row) => row.detail).join('\n');
    expect(details).toContain('sms_outbox_due_rank');
    expect(details).not.toContain('TEMP B-TREE');
  });
});

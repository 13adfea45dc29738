import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { commitGroupOf, durable } from '../node/db/commit-group.js';
import { checkpointDatabase } from '../node/db/db.js';
import { dispatchDueSms } from '../node/notify/sms-dispatcher.js';
import { fileSmsGateway, type SmsGateway } from '../node/notify/sms-gateways.js';
import { enqueueSms, smsStatuses } from '../node/services/outbox/sms-outbox.js';
import { openTempStore, type TempStore } from './_util/node-store.js';

let temp: TempStore | undefined;
afterEach(async () => {
  await temp?.cleanup();
  temp = undefined;
});

const downGateway: SmsGateway = {
  send: () => Promise.reject(new Error('gateway unreachable')),
};

describe('SMS notification outbox', () => {
  it('writes nothing when the transaction of the change rolls back', async () => {
    temp = await openTempStore();
    const { store } = temp;
    expect(() =>
      store.db.transaction(() => {
        enqueueSms(store, { to: '+33612345678', text: 'Code: 481516', purpose: 'booking_code' });
        throw new Error('booking failed');
      })(),
    ).toThrow('booking failed');
    expect(smsStatuses(store)).toEqual([]);
  });

  it('hands a code over only once the commit that queued it is on disk', async () => {
    temp = await openTempStore();
    const { store } = temp;
    const diskStateAtHandOver: string[] = [];
    const gateway: SmsGateway = {
      send: async () => {
        diskStateAtHandOver.push(durable(store.db) === undefined ? 'on disk' : 'flush pending');
      },
    };
    const queued = commitGroupOf(store.db).run(() =>
      enqueueSms(store, { to: '+33612345678', text: 'Code: 481516', purpose: 'booking_code', ref: 'RDV-9' }),
    );
    // The group commits on the next turn and flushes the WAL in the thread pool afterwards.
    await new Promise((resolve) => setImmediate(resolve));
    expect(durable(store.db)).toBeInstanceOf(Promise);
    expect(await dispatchDueSms(store, gateway)).toBe(1);
    expect(diskStateAtHandOver).toEqual(['on disk']);
    await queued;
  });

  it('keeps an SMS queued while the gateway is down, then delivers it once it is back', async () => {
    temp = await openTempStore();
    const { store, dir } = temp;
    let clock = new Date('2026-11-26T10:00:00.000Z');
    const now = () => clock;
    enqueueSms(
      store,
      { to: '+33612345678', text: 'Votre code: 481516', purpose: 'booking_code', ref: 'RDV-1' },
      clock,
    );
    expect(await dispatchDueSms(store, downGateway, now)).toBe(0);
    expect(await dispatchDueSms(store, downGateway, now)).toBe(0);
    const [failed] = smsStatuses(store, { ref: 'RDV-1' });
    expect(failed).toMatchObject({ state: 'pending', attempts: 1, lastError: 'gateway unreachable' });

    const outbox = join(dir, 'sms-outbox.jsonl');
    const gateway = fileSmsGateway(outbox, now);
    expect(await dispatchDueSms(store, gateway, now)).toBe(0);
    clock = new Date(clock.getTime() + 31_000);
    expect(await dispatchDueSms(store, gateway, now)).toBe(1);
    const lines = (await readFile(outbox, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toEqual([{ to: '+33612345678', text: 'Votre code: 481516', at: clock.toISOString() }]);
    expect(smsStatuses(store, { ref: 'RDV-1' })[0]).toMatchObject({
      state: 'sent',
      attempts: 2,
      lastError: null,
    });
    expect(await dispatchDueSms(store, gateway, now)).toBe(0);
  });

  it('refuses a number that is not E.164 and keeps phone and text out of the database file in clear', async () => {
    temp = await openTempStore();
    const { store, path } = temp;
    expect(() => enqueueSms(store, { to: '0612345678', text: 'x', purpose: 'other' })).toThrow(/E\.164/);
    enqueueSms(store, { to: '+23675112233', text: 'Dossier BGF-7Q2X pret', purpose: 'file_status' });
    checkpointDatabase(store.db);
    const bytes = await readFile(path);
    expect(bytes.includes(Buffer.from('+23675112233'))).toBe(false);
    expect(bytes.includes(Buffer.from('BGF-7Q2X'))).toBe(false);
  });
});

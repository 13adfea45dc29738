import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../node/db/store.js';
import { createNode } from '../node/index.js';
import { bindSmsCaps, onSmsCapped, type SmsCapStop } from '../node/services/outbox/sms-cap-policy.js';
import { DEFAULT_SMS_CAPS, numberPrefix } from '../node/services/outbox/sms-caps.js';
import { SmsCapError } from '../node/services/outbox/sms-errors.js';
import { enqueueSms, type SmsPurpose, smsCapFor, smsStatuses } from '../node/services/outbox/sms-outbox.js';
import { Identity, ready, sodium } from '../protocol/index.js';
import { parisNodeConfig } from './_util/node-app.js';
import { makeTempDir, openTempStore, type TempStore } from './_util/node-store.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function store(): Promise<Store> {
  const temp: TempStore = await openTempStore();
  cleanups.push(temp.cleanup);
  return temp.store;
}

const START = Date.parse('2026-03-02T07:00:00.000Z');
const at = (minutes: number) => new Date(START + minutes * 60_000);
const VICTIM = '+33612345678';

function send(s: Store, to: string, minutes: number, purpose: SmsPurpose = 'booking_code') {
  return enqueueSms(s, { to, text: 'Consulat RCA: code 123456', purpose }, at(minutes));
}

/** The error a refused SMS throws, or undefined when it was queued or dropped. */
function refusal(run: () => unknown): unknown {
  try {
    run();
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('SMS caps: defaults', () => {
  it('caps 5 an hour and 10 a day per phone, 50 an hour and 200 a day per prefix of 3 national digits', () => {
    expect(DEFAULT_SMS_CAPS).toEqual({
      perPhonePerHour: 5,
      perPhonePerDay: 10,
      perPrefixPerHour: 50,
      perPrefixPerDay: 200,
      prefixDigits: 3,
    });
  });

  it('takes the country code and the first national digits as the prefix', () => {
    expect(numberPrefix('+33612345678', 3)).toBe('+33612');
    expect(numberPrefix('+12125550123', 3)).toBe('+1212');
    expect(numberPrefix('+79161234567', 3)).toBe('+7916');
    expect(numberPrefix('+23672123456', 3)).toBe('+236721');
    expect(numberPrefix('+88234123456', 3)).toBe('+882341');
    expect(numberPrefix('+23672123456', 2)).toBe('+23672');
  });
});

describe('SMS caps per phone', () => {
  it('refuses a code past 5 in an hour, writing nothing, and lets it through an hour later', async () => {
    const s = await store();
    for (let n = 0; n < 5; n++) expect(send(s, VICTIM, n)).toBeTypeOf('number');
    const error = refusal(() => send(s, VICTIM, 30));
    expect(error).toBeInstanceOf(SmsCapError);
    expect(error).toMatchObject({ code: 'sms_limit', reason: 'phone_hour' });
    expect(smsStatuses(s)).toHaveLength(5);
    expect(send(s, '+33698765432', 30)).toBeTypeOf('number');
    expect(send(s, VICTIM, 61)).toBeTypeOf('number');
  });

  it('refuses past 10 in a day, however spread, until a day after the first', async () => {
    const s = await store();
    for (let n = 0; n < 10; n++) send(s, VICTIM, n * 70);
    expect(refusal(() => send(s, VICTIM, 10 * 70))).toMatchObject({ reason: 'phone_day' });
    expect(send(s, VICTIM, 24 * 60 + 1)).toBeTypeOf('number');
  });

  it('drops a notice past the cap, counted, and throws nothing: the change it reports stands', async () => {
    const s = await store();
    const stops: SmsCapStop[] = [];
    onSmsCapped(s, (stop) => stops.push(stop));
    for (let n = 0; n < 5; n++) send(s, VICTIM, n);
    for (const purpose of ['reminder', 'booking_confirmed', 'file_status', 'payment_receipt'] as const) {
      expect(send(s, VICTIM, 10, purpose)).toBeUndefined();
    }
    expect(refusal(() => send(s, VICTIM, 10, 'waitlist_offer'))).toBeInstanceOf(SmsCapError);
    expect(smsStatuses(s)).toHaveLength(5);
    expect(stops.map((stop) => `${stop.purpose} ${stop.outcome} ${stop.reason}`)).toEqual([
      'reminder dropped phone_hour',
      'booking_confirmed dropped phone_hour',
      'file_status dropped phone_hour',
      'payment_receipt dropped phone_hour',
      'waitlist_offer refused phone_hour',
    ]);
  });

  it('never refuses a request for the news a number got: a stranger learns nothing of its bookings', async () => {
    const s = await store();
    for (const purpose of [
      'booking_confirmed',
      'reminder',
      'reminder',
      'file_status',
      'booking_cancelled',
    ] as const)
      send(s, VICTIM, 0, purpose);
    for (let n = 0; n < 5; n++) expect(send(s, VICTIM, 1)).toBeTypeOf('number');
    expect(refusal(() => send(s, VICTIM, 2))).toMatchObject({ reason: 'phone_hour' });
    expect(send(s, VICTIM, 2, 'reminder')).toBeUndefined();
  });

  it('lets a caller refuse a notice its own request would send', async () => {
    const s = await store();
    for (let n = 0; n < 5; n++) send(s, VICTIM, n);
    const moved = { to: VICTIM, text: 'moved', purpose: 'booking_rescheduled' } as const;
    expect(enqueueSms(s, moved, at(6))).toBeUndefined();
    expect(refusal(() => enqueueSms(s, moved, at(6), { whenCapped: 'refuse' }))).toBeInstanceOf(SmsCapError);
  });

  it('lets a check made before a change through for the one SMS that follows it, never a second', async () => {
    const s = await store();
    for (let n = 0; n < 4; n++) send(s, VICTIM, n);
    expect(smsCapFor(s, { to: VICTIM, purpose: 'booking_code' }, at(5))).toBeUndefined();
    expect(send(s, VICTIM, 5)).toBeTypeOf('number');
    expect(refusal(() => send(s, VICTIM, 5))).toMatchObject({ reason: 'phone_hour' });
    expect(smsCapFor(s, { to: VICTIM, purpose: 'booking_code' }, at(6))).toBe('phone_hour');
  });

  it('counts again after a check when another connection queued an SMS in between', async () => {
    const temp = await openTempStore();
    cleanups.push(temp.cleanup);
    const other = await openStore({ path: temp.path, dataKey: temp.dataKey });
    cleanups.unshift(async () => other.close());
    for (let n = 0; n < 4; n++) send(temp.store, VICTIM, n);
    expect(smsCapFor(temp.store, { to: VICTIM, purpose: 'booking_code' }, at(5))).toBeUndefined();
    expect(send(other, VICTIM, 5)).toBeTypeOf('number');
    expect(refusal(() => send(temp.store, VICTIM, 5))).toMatchObject({ reason: 'phone_hour' });
  });

  it('rolls back nothing but its own row when refused inside a change', async () => {
    const s = await store();
    for (let n = 0; n < 5; n++) send(s, VICTIM, n);
    const change = s.db.transaction(() => {
      s.db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('t', 'x', '')").run();
      send(s, VICTIM, 6);
    });
    expect(refusal(change)).toBeInstanceOf(SmsCapError);
    expect(s.db.prepare("SELECT 1 FROM settings WHERE key = 't'").get()).toBeUndefined();
  });
});

describe('SMS caps per number prefix', () => {
  const inRange = (n: number) => `+3361${String(2_000_000 + n).padStart(7, '0')}`;

  it('refuses past 50 in an hour to numbers sharing a prefix, each under its own cap', async () => {
    const s = await store();
    for (let n = 0; n < 50; n++) send(s, inRange(n), n % 60);
    expect(refusal(() => send(s, inRange(50), 59))).toMatchObject({ reason: 'prefix_hour' });
    expect(send(s, '+33712345678', 59)).toBeTypeOf('number');
    expect(send(s, inRange(50), 61)).toBeTypeOf('number');
  });

  it('refuses past 200 in a day to one prefix', async () => {
    const s = await store();
    for (let n = 0; n < 200; n++) send(s, inRange(n), Math.floor(n / 40) * 61);
    expect(refusal(() => send(s, inRange(200), 5 * 61))).toMatchObject({ reason: 'prefix_day' });
    expect(send(s, inRange(200), 24 * 60 + 1)).toBeTypeOf('number');
  });

  it('follows the caps the node is configured with', async () => {
    const s = await store();
    bindSmsCaps(s, { perPhonePerHour: 2, perPhonePerDay: 3, perPrefixPerHour: 3, prefixDigits: 2 });
    send(s, VICTIM, 0);
    send(s, VICTIM, 1);
    expect(refusal(() => send(s, VICTIM, 2))).toMatchObject({ reason: 'phone_hour' });
    send(s, '+33613000000', 2);
    expect(refusal(() => send(s, '+33614000000', 3))).toMatchObject({ reason: 'prefix_hour' });
    expect(() => bindSmsCaps(s, { perPhonePerHour: 20, perPhonePerDay: 10 })).toThrow(/hourly cap/);
  });
});

describe('SMS caps: the node', () => {
  it('applies its configured caps and counts each SMS stopped in /metrics by reason, purpose and outcome', async () => {
    await ready();
    const temp = await makeTempDir();
    const config = parisNodeConfig(temp.dir, { smsCaps: { perPhonePerHour: 1 } });
    const node = await createNode(config, {
      identity: Identity.generate(config.missionId),
      dataKey: sodium.randombytes_buf(32),
    });
    cleanups.push(() => node.close(), temp.cleanup);
    const { store, metrics } = node.context;
    const sms = (purpose: SmsPurpose) => ({ to: VICTIM, text: 'Consulat RCA', purpose });
    expect(enqueueSms(store, sms('booking_code'))).toBeTypeOf('number');
    expect(enqueueSms(store, sms('reminder'))).toBeUndefined();
    expect(enqueueSms(store, sms('reminder'))).toBeUndefined();
    expect(refusal(() => enqueueSms(store, sms('booking_code')))).toBeInstanceOf(SmsCapError);
    const counted = (await metrics.registry.metrics())
      .split('\n')
      .filter((line) => line.startsWith('econsulat_sms_capped_total{'))
      .sort();
    expect(counted).toEqual([
      'econsulat_sms_capped_total{reason="phone_hour",purpose="booking_code",outcome="refused",mission="fr-paris"} 1',
      'econsulat_sms_capped_total{reason="phone_hour",purpose="reminder",outcome="dropped",mission="fr-paris"} 2',
    ]);
  });
});

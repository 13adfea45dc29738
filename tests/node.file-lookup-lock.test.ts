import { afterEach, describe, expect, it } from 'vitest';
import { type PublicRateLimits, publicApiRoutes } from '../node/http/api/public/index.js';
import { smsOutbox, testClock } from './_util/appointments.js';
import { buildTestNode, type TestNode } from './_util/node-app.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

// The per-address limits out of the way: the lock under test is per file, whatever the address.
const HIGH: Partial<PublicRateLimits> = { submission: 1000, lookupWithSecret: 1000, lookup: 1000 };
const APPLICANT = {
  givenNames: 'Amadou',
  familyName: 'Zanga',
  birthDate: '1988-03-14',
  phone: '06 12 34 56 78',
};
const RIGHT = '14/03/1988';
const MINUTE = 60_000;

async function publicNode() {
  const clock = testClock();
  const node = await buildTestNode({
    now: clock.now,
    plugins: [(app, deps) => publicApiRoutes(app, { ...deps, rateLimits: HIGH })],
  });
  cleanups.push(node.cleanup);
  const opened = await node.app.inject({
    method: 'POST',
    url: '/api/v1/files',
    payload: { service: 'passport-renewal', applicant: APPLICANT, lang: 'fr' },
  });
  expect(opened.statusCode).toBe(201);
  return { node, clock, tracking: opened.json().trackingNumber as string };
}

function lookup(node: TestNode, tracking: string, secret: string, remoteAddress = '203.0.113.7') {
  return node.app.inject({
    method: 'GET',
    url: `/api/v1/files/${tracking}`,
    headers: { 'x-applicant-secret': secret },
    remoteAddress,
  });
}

const lockNotices = (node: TestNode) =>
  smsOutbox(node.store).filter((sms) => sms.purpose === 'file_lookup_locked');

describe('node file lookup: wrong secrets lock a file, whatever the address', () => {
  it('locks the details after five wrong birth dates from two addresses, refuses even the right one, and tells the applicant once', async () => {
    const { node, tracking } = await publicNode();
    for (const [n, address] of ['203.0.113.7', '198.51.100.9', '203.0.113.7', '198.51.100.9'].entries()) {
      const guess = await lookup(node, tracking, `0${n + 1}/01/1990`, address);
      expect(guess.statusCode).toBe(200);
      expect(guess.json().detailed).toBe(false);
    }
    expect(lockNotices(node)).toEqual([]);
    const fifth = await lookup(node, tracking, '06/01/1990', '198.51.100.9');
    expect(fifth.json().detailed).toBe(false);

    const locked = await lookup(node, tracking, RIGHT, '192.0.2.50');
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('lookup_locked');
    expect(JSON.stringify(locked.json())).not.toContain('Zanga');
    // Further guesses while locked are neither checked nor counted, and tell nobody again.
    expect((await lookup(node, tracking, '07/01/1990')).statusCode).toBe(429);
    expect(lockNotices(node)).toEqual([
      expect.objectContaining({ to: '+33612345678', text: expect.stringContaining(tracking) }),
    ]);
    // The status without a secret stays open to anyone holding the number.
    const status = await node.app.inject({ method: 'GET', url: `/api/v1/files/${tracking}` });
    expect(status.statusCode).toBe(200);
  });

  it('opens again after the lock, clears the count on the right secret, and doubles the next lock', async () => {
    const { node, clock, tracking } = await publicNode();
    for (let n = 0; n < 5; n += 1) await lookup(node, tracking, `0${n + 1}/02/1990`);
    clock.advanceMinutes(16);
    const right = await lookup(node, tracking, RIGHT);
    expect(right.statusCode).toBe(200);
    expect(right.json()).toMatchObject({ detailed: true, applicant: { familyName: 'Zanga' } });
    // Cleared: four wrong ones now lock nothing.
    for (let n = 0; n < 4; n += 1) await lookup(node, tracking, `0${n + 1}/03/1990`);
    expect((await lookup(node, tracking, RIGHT)).statusCode).toBe(200);
    // A second lock lasts 30 minutes: still locked after 16.
    for (let n = 0; n < 5; n += 1) await lookup(node, tracking, `0${n + 1}/04/1990`);
    clock.advanceMinutes(16);
    expect((await lookup(node, tracking, RIGHT)).statusCode).toBe(429);
    clock.advanceMinutes(15);
    expect((await lookup(node, tracking, RIGHT)).statusCode).toBe(200);
    expect(lockNotices(node)).toHaveLength(2);
  });

  it('locks the lookup itself, for 15 minutes the first time, for every caller that types a secret (API, portal, payment and survey forms)', async () => {
    const { node, tracking } = await publicNode();
    for (let n = 0; n < 5; n += 1) await lookup(node, tracking, `0${n + 1}/05/1990`);
    const { lockedUntil } = node.store.db
      .prepare('SELECT locked_until AS lockedUntil FROM file_lookup_failures')
      .get() as { lockedUntil: string };
    expect(Date.parse(lockedUntil) - node.now().getTime()).toBe(15 * MINUTE);
    const view = node.domain.files.lookup(tracking);
    expect(view.detailed).toBe(false);
    expect(() => node.domain.files.lookup(tracking, RIGHT)).toThrow(
      expect.objectContaining({ code: 'lookup_locked' }),
    );
  });

  it('neither counts nor locks the caller number a USSD gateway vouches for', async () => {
    const { node, tracking } = await publicNode();
    for (let n = 0; n < 8; n += 1) {
      expect(node.domain.files.lookup(tracking, `+3361000000${n}`, { source: 'gateway' }).detailed).toBe(
        false,
      );
    }
    expect(node.store.db.prepare('SELECT count(*) AS n FROM file_lookup_failures').get()).toEqual({ n: 0 });
    expect(node.domain.files.lookup(tracking, '+33612345678', { source: 'gateway' }).detailed).toBe(true);
  });
});

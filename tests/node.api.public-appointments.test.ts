import { afterEach, describe, expect, it } from 'vitest';
import { type PublicRateLimits, publicApiRoutes } from '../node/http/api/public/index.js';
import {
  applicant,
  codeFor,
  smsOutbox,
  type TestClock,
  TUESDAY_9AM,
  testClock,
  wrongCode,
} from './_util/appointments.js';
import { buildTestNode, type TestNode } from './_util/node-app.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const HIGH: Partial<PublicRateLimits> = { booking: 1000, confirm: 1000, change: 1000, submission: 1000 };

/** A Paris mission on Monday 2 March 2026, 08:00, with its public API and the clock of its domain. */
async function publicNode(
  limits: Partial<PublicRateLimits> = HIGH,
): Promise<TestNode & { clock: TestClock }> {
  const clock = testClock();
  const node = await buildTestNode({
    now: clock.now,
    plugins: [(app, deps) => publicApiRoutes(app, { ...deps, rateLimits: limits })],
  });
  cleanups.push(node.cleanup);
  return { ...node, clock };
}

// passport-renewal: 20-minute slots, 3 places each (seeded calendar).
const RENEWAL = 'passport-renewal';
const WEDNESDAY_9AM = '2026-03-04T08:00:00.000Z';

function bookingBody(n: number, slotStart = TUESDAY_9AM) {
  return { service: RENEWAL, slotStart, ...applicant(n) };
}

async function book(node: TestNode, n: number, slotStart = TUESDAY_9AM) {
  return node.app.inject({ method: 'POST', url: '/api/v1/appointments', payload: bookingBody(n, slotStart) });
}

async function bookAndConfirm(node: TestNode, n: number, slotStart = TUESDAY_9AM): Promise<string> {
  const { reference } = (await book(node, n, slotStart)).json();
  const code = codeFor(node.store, reference);
  const confirmed = await node.app.inject({
    method: 'POST',
    url: `/api/v1/appointments/${reference}/confirm`,
    payload: { code },
  });
  expect(confirmed.statusCode).toBe(200);
  return reference;
}

describe('node public API: booking', () => {
  it('holds a place, sends the code by SMS, and confirms it with that code', async () => {
    const node = await publicNode();
    const held = await book(node, 1);
    expect(held.statusCode).toBe(201);
    const { reference, heldUntil } = held.json();
    expect(held.json()).toMatchObject({ service: RENEWAL, slotStart: TUESDAY_9AM });
    expect(heldUntil).toBe('2026-03-02T07:15:00.000Z');
    expect(smsOutbox(node.store, reference).map((sms) => sms.purpose)).toContain('booking_code');
    const code = codeFor(node.store, reference);
    const confirmed = await node.app.inject({
      method: 'POST',
      url: `/api/v1/appointments/${reference}/confirm`,
      payload: { code },
    });
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json()).toMatchObject({ reference, state: 'confirmed' });
  });

  it('shows a booking by its reference without any personal data', async () => {
    const node = await publicNode();
    const reference = await bookAndConfirm(node, 1);
    const response = await node.app.inject({ method: 'GET', url: `/api/v1/appointments/${reference}` });
    expect(response.statusCode).toBe(200);
    expect(Object.keys(response.json()).sort()).toEqual([
      'reference',
      'service',
      'slotEnd',
      'slotStart',
      'state',
    ]);
    expect(response.body).not.toMatch(/Clarisse|Ngoumbango|CF100|\+336/);
    const missing = await node.app.inject({ method: 'GET', url: '/api/v1/appointments/RDV-2222-2222' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('not_found');
  });

  it('refuses a wrong code with 422 wrong_code and leaves the booking held', async () => {
    const node = await publicNode();
    const { reference } = (await book(node, 1)).json();
    const response = await node.app.inject({
      method: 'POST',
      url: `/api/v1/appointments/${reference}/confirm`,
      payload: { code: wrongCode(codeFor(node.store, reference)) },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('wrong_code');
    const view = await node.app.inject({ method: 'GET', url: `/api/v1/appointments/${reference}` });
    expect(view.json().state).toBe('held');
  });

  it('answers 409 slot_full once the slot’s places are taken', async () => {
    const node = await publicNode();
    for (const n of [1, 2, 3]) expect((await book(node, n)).statusCode).toBe(201);
    const full = await book(node, 4);
    expect(full.statusCode).toBe(409);
    expect(full.json().error).toMatchObject({ code: 'slot_full' });
  });

  it('refuses an unknown field, a bad phone number and a missing applicant with 400 invalid_request', async () => {
    const node = await publicNode();
    const bodies = [
      { ...bookingBody(1), vip: true },
      { ...bookingBody(1), applicant: { ...applicant(1).applicant, nickname: 'Clo' } },
      { ...bookingBody(1), phone: '12' },
      { service: RENEWAL, slotStart: TUESDAY_9AM },
    ];
    for (const payload of bodies) {
      const response = await node.app.inject({ method: 'POST', url: '/api/v1/appointments', payload });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('invalid_request');
    }
    expect(smsOutbox(node.store)).toEqual([]);
  });

  it('refuses an oversized body with 413 payload_too_large', async () => {
    const node = await publicNode();
    const payload = { ...bookingBody(1), padding: 'x'.repeat(64 * 1024) };
    const response = await node.app.inject({ method: 'POST', url: '/api/v1/appointments', payload });
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe('payload_too_large');
  });

  it('refuses a slot outside opening hours with 422', async () => {
    const node = await publicNode();
    const response = await book(node, 1, '2026-03-03T05:00:00.000Z');
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('outside_opening_hours');
  });
});

describe('node public API: cancel, reschedule, waiting list', () => {
  it('cancels a booking for the phone that made it, and hides it from any other', async () => {
    const node = await publicNode();
    const reference = await bookAndConfirm(node, 1);
    const url = `/api/v1/appointments/${reference}/cancel`;
    const stranger = await node.app.inject({ method: 'POST', url, payload: { phone: applicant(2).phone } });
    expect(stranger.statusCode).toBe(404);
    const owner = await node.app.inject({ method: 'POST', url, payload: { phone: applicant(1).phone } });
    expect(owner.statusCode).toBe(200);
    expect(owner.json().state).toBe('cancelled');
    const again = await node.app.inject({ method: 'POST', url, payload: { phone: applicant(1).phone } });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('invalid_state');
  });

  it('moves a confirmed booking to another slot, and refuses a full one with 409', async () => {
    const node = await publicNode();
    const reference = await bookAndConfirm(node, 1);
    const url = `/api/v1/appointments/${reference}/reschedule`;
    const moved = await node.app.inject({
      method: 'POST',
      url,
      payload: { phone: applicant(1).phone, slotStart: WEDNESDAY_9AM },
    });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({ slotStart: WEDNESDAY_9AM, state: 'confirmed' });
    for (const n of [2, 3, 4]) await bookAndConfirm(node, n);
    const full = await node.app.inject({
      method: 'POST',
      url,
      payload: { phone: applicant(1).phone, slotStart: TUESDAY_9AM },
    });
    expect(full.statusCode).toBe(409);
    expect(full.json().error.code).toBe('slot_full');
  });

  it('puts a person on the waiting list of a full day, and refuses while places are free', async () => {
    const node = await publicNode();
    const body = (n: number) => ({ service: 'consular-card', day: '2026-03-03', ...applicant(n) });
    const early = await node.app.inject({ method: 'POST', url: '/api/v1/waitlist', payload: body(1) });
    expect(early.statusCode).toBe(409);
    expect(early.json().error.code).toBe('slots_available');
    const slots = await node.app.inject({
      method: 'GET',
      url: '/api/v1/slots?service=consular-card&from=2026-03-03&to=2026-03-03',
    });
    let n = 100;
    for (const slot of slots.json().slots as { start: string; remaining: number }[]) {
      for (let place = 0; place < slot.remaining; place++) {
        const held = await node.app.inject({
          method: 'POST',
          url: '/api/v1/appointments',
          payload: { service: 'consular-card', slotStart: slot.start, ...applicant(n++) },
        });
        expect(held.statusCode).toBe(201);
      }
    }
    const waiting = await node.app.inject({ method: 'POST', url: '/api/v1/waitlist', payload: body(1) });
    expect(waiting.statusCode).toBe(201);
    expect(waiting.json()).toEqual({ service: 'consular-card', day: '2026-03-03', position: 1 });
  });
});

describe('node public API: SMS pumping and enumeration', () => {
  /** A POST to the public API from a client address of its own. */
  const post = (node: TestNode, url: string, payload: object, remoteAddress = '198.51.100.7') =>
    node.app.inject({ method: 'POST', url: `/api/v1${url}`, payload, remoteAddress });
  const slotsLeft = async (node: TestNode) =>
    (
      await node.app.inject({
        method: 'GET',
        url: `/api/v1/slots?service=${RENEWAL}&from=2026-03-03&to=2026-03-03`,
      })
    ).json().slots as { start: string; remaining: number }[];
  // Each of five applicants of one family gives the same phone, from an address of their own.
  const family = (n: number, phone = applicant(1).phone) => ({ ...applicant(100 + n), phone });
  const slot = (n: number) => new Date(Date.parse(TUESDAY_9AM) + n * 20 * 60_000).toISOString();

  it('refuses a sixth code to one phone within the hour with 429 sms_limit, whatever the address, holding nothing', async () => {
    const node = await publicNode({});
    for (let n = 0; n < 5; n++) {
      const held = await post(
        node,
        '/appointments',
        { service: RENEWAL, slotStart: slot(n), ...family(n) },
        `10.0.0.${n + 1}`,
      );
      expect(held.statusCode).toBe(201);
    }
    const before = { slots: await slotsLeft(node), sms: smsOutbox(node.store).length };
    const refused = await post(
      node,
      '/appointments',
      { service: RENEWAL, slotStart: slot(5), ...family(5) },
      '10.0.0.99',
    );
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toEqual({
      error: {
        code: 'sms_limit',
        message: 'too many SMS were sent to this number recently: try again later',
      },
    });
    expect({ slots: await slotsLeft(node), sms: smsOutbox(node.store).length }).toEqual(before);
    node.clock.advanceMinutes(61);
    const later = await post(
      node,
      '/appointments',
      { service: RENEWAL, slotStart: slot(5), ...family(5) },
      '10.0.0.99',
    );
    expect(later.statusCode).toBe(201);
  });

  it('answers a stranger booking with a phone and passport that have bookings exactly as with ones that have none', async () => {
    const node = await publicNode();
    const owner = applicant(1);
    const confirm = async (body: object) => {
      const { reference } = (await post(node, '/appointments', { service: RENEWAL, ...body })).json();
      await post(node, `/appointments/${reference}/confirm`, { code: codeFor(node.store, reference) });
    };
    // The day before, the owner booked up to the limits (3 per phone, 2 per person on it), and
    // today is reminded of each: news to the phone within the hour.
    await confirm({ slotStart: slot(3), ...owner });
    await confirm({ slotStart: slot(4), ...owner });
    await confirm({ slotStart: slot(5), ...applicant(2), phone: owner.phone });
    node.clock.advanceMinutes(24 * 60 + 30);
    expect(node.domain.appointments.queueReminders()).toHaveLength(3);
    const stranger = applicant(9);
    const answer = async (who: typeof owner, slotStart: string) => {
      const held = await post(node, '/appointments', { service: RENEWAL, slotStart, ...who });
      const body = held.json();
      if (held.statusCode === 201) expect(body.reference).toMatch(/^RDV-/);
      return {
        status: held.statusCode,
        type: held.headers['content-type'],
        body: { ...body, reference: '' },
      };
    };
    const wednesday = (
      await node.app.inject({
        method: 'GET',
        url: `/api/v1/slots?service=${RENEWAL}&from=2026-03-04&to=2026-03-04`,
      })
    )
      .json()
      .slots.map((listed: { start: string }) => listed.start) as string[];
    // Place after place until the cap on codes: the same answers, the same bodies, for both.
    for (let n = 0; n < 6; n++) {
      const [known, unknown] = [await answer(owner, wednesday[n]!), await answer(stranger, wednesday[n]!)];
      expect(known).toEqual(unknown);
      expect(known.status).toBe(n < 5 ? 201 : 429);
    }
  });

  it('lets the phone’s owner book after strangers held places with their phone and passport', async () => {
    const node = await publicNode();
    for (const n of [0, 1, 2]) {
      const held = await post(
        node,
        '/appointments',
        { service: RENEWAL, slotStart: slot(n), ...applicant(1) },
        `203.0.113.${n}`,
      );
      expect(held.statusCode).toBe(201);
    }
    const reference = await bookAndConfirm(node, 1, slot(5));
    const view = await node.app.inject({ method: 'GET', url: `/api/v1/appointments/${reference}` });
    expect(view.json().state).toBe('confirmed');
  });

  it('tells the limit only with the right code: 429 phone_limit at confirmation, the booking still held', async () => {
    const node = await publicNode();
    const samePhone = (n: number) => ({ ...applicant(200 + n), phone: applicant(1).phone });
    const confirmations = [];
    for (const n of [0, 1, 2, 3]) {
      const { reference } = (
        await post(node, '/appointments', { service: RENEWAL, slotStart: slot(4 + n), ...samePhone(n) })
      ).json();
      const wrong = await post(node, `/appointments/${reference}/confirm`, {
        code: wrongCode(codeFor(node.store, reference)),
      });
      expect(wrong.json().error.code).toBe('wrong_code');
      const right = await post(node, `/appointments/${reference}/confirm`, {
        code: codeFor(node.store, reference),
      });
      confirmations.push({
        status: right.statusCode,
        code: right.json().error?.code ?? right.json().state,
        reference,
      });
    }
    expect(confirmations.map((c) => `${c.status} ${c.code}`)).toEqual([
      '200 confirmed',
      '200 confirmed',
      '200 confirmed',
      '429 phone_limit',
    ]);
    const last = confirmations[3]!.reference;
    expect((await node.app.inject({ method: 'GET', url: `/api/v1/appointments/${last}` })).json().state).toBe(
      'held',
    );
  });

  it('refuses an applicant’s move with 429 sms_limit past the cap and leaves the booking where it was', async () => {
    const node = await publicNode();
    const reference = await bookAndConfirm(node, 1, slot(0));
    const move = (n: number) =>
      post(node, `/appointments/${reference}/reschedule`, { phone: applicant(1).phone, slotStart: slot(n) });
    for (const n of [1, 2, 3, 4]) expect((await move(n)).statusCode).toBe(200);
    const refused = await move(5);
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('sms_limit');
    const view = await node.app.inject({ method: 'GET', url: `/api/v1/appointments/${reference}` });
    expect(view.json()).toMatchObject({ slotStart: slot(4), state: 'confirmed' });
  });

  it('documents where the limits and the caps answer in the OpenAPI description of each route', async () => {
    const node = await publicNode();
    const document = (await node.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    const book = document.paths['/api/v1/appointments'].post;
    expect(book.description).toMatch(/sms_limit/);
    expect(book.description).toMatch(/checked at confirmation/);
    expect(Object.keys(book.responses)).toContain('429');
    expect(document.paths['/api/v1/appointments/{reference}/confirm'].post.description).toMatch(
      /phone_limit/,
    );
    expect(document.paths['/api/v1/appointments/{reference}/reschedule'].post.description).toMatch(
      /sms_limit/,
    );
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { publicApiRoutes } from '../node/http/api/public/index.js';
import { applicant, TUESDAY_9AM, testClock } from './_util/appointments.js';
import { buildTestNode, type TestNode } from './_util/node-app.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A Paris mission on Monday 2 March 2026, 08:00, with its public API. */
async function publicNode(): Promise<TestNode> {
  const clock = testClock();
  const node = await buildTestNode({
    now: clock.now,
    plugins: [(app, deps) => publicApiRoutes(app, deps)],
  });
  cleanups.push(node.cleanup);
  return node;
}

// passport-renewal: 20-minute slots, 3 places each (seeded calendar).
const RENEWAL = 'passport-renewal';

async function book(node: TestNode, n: number) {
  return node.app.inject({
    method: 'POST',
    url: '/api/v1/appointments',
    payload: { service: RENEWAL, slotStart: TUESDAY_9AM, ...applicant(n) },
  });
}

describe('node public API: catalogue', () => {
  it('lists the services with fees in XAF and the host currency, in the language asked', async () => {
    const node = await publicNode();
    const fr = await node.app.inject({ method: 'GET', url: '/api/v1/services' });
    const en = await node.app.inject({ method: 'GET', url: '/api/v1/services?lang=en' });
    expect(fr.statusCode).toBe(200);
    const renewal = fr.json().services.find((service: { code: string }) => service.code === RENEWAL);
    expect(renewal.fees.map((fee: { currency: string }) => fee.currency).sort()).toEqual(['EUR', 'XAF']);
    expect(renewal.requiredDocuments.length).toBeGreaterThan(0);
    expect(renewal).not.toHaveProperty('active');
    const renewalEn = en.json().services.find((service: { code: string }) => service.code === RENEWAL);
    expect(renewalEn.name).not.toBe(renewal.name);
  });

  it('answers one service, and 404 unknown_service for a code it does not offer', async () => {
    const node = await publicNode();
    const one = await node.app.inject({ method: 'GET', url: `/api/v1/services/${RENEWAL}?lang=sg` });
    expect(one.statusCode).toBe(200);
    expect(one.json().code).toBe(RENEWAL);
    const unknown = await node.app.inject({ method: 'GET', url: '/api/v1/services/space-travel' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('unknown_service');
  });

  it('refuses an unknown language or query field with 400 invalid_request', async () => {
    const node = await publicNode();
    for (const url of ['/api/v1/services?lang=de', '/api/v1/services?lang=fr&debug=1']) {
      const response = await node.app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('invalid_request');
    }
  });
});

describe('node public API: slots', () => {
  it('lists a day’s slots with the places left', async () => {
    const node = await publicNode();
    await book(node, 1);
    const response = await node.app.inject({
      method: 'GET',
      url: `/api/v1/slots?service=${RENEWAL}&from=2026-03-03&to=2026-03-03`,
    });
    expect(response.statusCode).toBe(200);
    const { slots } = response.json();
    expect(slots).toHaveLength(17);
    expect(slots[0]).toEqual({
      start: TUESDAY_9AM,
      end: '2026-03-03T08:20:00.000Z',
      capacity: 3,
      remaining: 2,
    });
  });

  it('refuses a reversed range, one beyond 31 days, or a malformed or impossible date with 400', async () => {
    const node = await publicNode();
    const ranges = [
      'from=2026-03-05&to=2026-03-03',
      'from=2026-03-03&to=2026-04-10',
      'from=2026-03-03&to=2026-04-03',
      'from=2026-3-3&to=2026-03-04',
      'from=2026-02-29&to=2026-03-02',
    ];
    for (const range of ranges) {
      const response = await node.app.inject({
        method: 'GET',
        url: `/api/v1/slots?service=${RENEWAL}&${range}`,
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('invalid_request');
    }
  });

  it('lists 31 days, the longest range, across a month end', async () => {
    const node = await publicNode();
    const response = await node.app.inject({
      method: 'GET',
      url: `/api/v1/slots?service=${RENEWAL}&from=2026-03-03&to=2026-04-02`,
    });
    expect(response.statusCode).toBe(200);
    const days = new Set(response.json().slots.map((slot: { start: string }) => slot.start.slice(0, 10)));
    expect(days.has('2026-03-31') && days.has('2026-04-01') && days.has('2026-04-02')).toBe(true);
  });

  it('answers 404 for a service without a calendar in the catalogue', async () => {
    const node = await publicNode();
    const response = await node.app.inject({
      method: 'GET',
      url: '/api/v1/slots?service=space-travel&from=2026-03-03&to=2026-03-03',
    });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('unknown_service');
  });
});

describe('node public API: OpenAPI document', () => {
  it('describes every public route with its schemas', async () => {
    const node = await publicNode();
    const response = await node.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(response.statusCode).toBe(200);
    const { paths } = response.json();
    for (const path of [
      '/api/v1/services',
      '/api/v1/services/{code}',
      '/api/v1/slots',
      '/api/v1/appointments',
      '/api/v1/appointments/{reference}',
      '/api/v1/appointments/{reference}/confirm',
      '/api/v1/appointments/{reference}/cancel',
      '/api/v1/appointments/{reference}/reschedule',
      '/api/v1/waitlist',
      '/api/v1/files',
      '/api/v1/files/{trackingNumber}',
      '/api/v1/registrations',
      '/api/v1/invoices/{id}/checkout',
      '/api/v1/payments/webhooks/{provider}',
    ]) {
      expect(paths, path).toHaveProperty([path]);
    }
    const booking = paths['/api/v1/appointments'].post;
    expect(booking.requestBody.content['application/json'].schema.properties).toHaveProperty('slotStart');
    expect(Object.keys(booking.responses)).toEqual(
      expect.arrayContaining(['201', '400', '409', '413', '429']),
    );
  });
});

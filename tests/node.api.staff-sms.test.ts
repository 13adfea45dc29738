import { afterEach, describe, expect, it } from 'vitest';
import { dispatchDueSms } from '../node/notify/sms-dispatcher.js';
import type { SmsGateway } from '../node/notify/sms-gateways.js';
import { TUESDAY_9AM } from './_util/appointments.js';
import { openStaffApp, type StaffApp } from './_util/staff-app.js';

const apps: StaffApp[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

const PHONE = '+33612345678';

async function open(): Promise<StaffApp> {
  const app = await openStaffApp();
  apps.push(app);
  return app;
}

/** A held booking (its code SMS queued) and a file moved once (its status SMS queued). */
function withSms(s: StaffApp) {
  const held = s.domain.appointments.book(
    {
      serviceCode: 'passport-renewal',
      slotStart: TUESDAY_9AM,
      applicant: { givenNames: 'Clarisse', familyName: 'Ngoumbango' },
      phone: PHONE,
      documentNumber: 'CF1000001',
      lang: 'fr',
    },
    'portal',
  );
  const person = s.domain.people.create({ givenNames: 'Amadou', familyName: 'Zanga', phone: PHONE }, 'agent');
  const file = s.domain.files.open(
    { personId: person.id, serviceCode: 'passport-renewal', channel: 'counter' },
    'agent',
  );
  s.domain.files.transition(file.id, { to: 'in_review' }, 'agent');
  return { reference: held.reference, file };
}

async function smsOf(s: StaffApp, cookie: string, query: string) {
  return s.app.inject({ url: `/api/v1/staff/sms${query}`, headers: { cookie } });
}

describe('staff API: SMS delivery state', () => {
  it('shows an agent where the SMS of a booking stand, never their number or text', async () => {
    const s = await open();
    const { reference } = withSms(s);
    const { cookie } = await s.login(await s.enrolled('awa', ['agent']));
    const typed = reference.toLowerCase().replaceAll('-', ' ');
    const response = await smsOf(s, cookie, `?ref=${encodeURIComponent(typed)}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.json();
    expect(body.ref).toBe(reference);
    expect(body.sms).toEqual([
      {
        id: expect.any(Number),
        purpose: 'booking_code',
        ref: reference,
        state: 'pending',
        attempts: 0,
        lastError: null,
        createdAt: expect.any(String),
        sentAt: null,
        nextAttemptAt: expect.any(String),
      },
    ]);
    expect(response.body).not.toContain('612345678');
    expect(response.body).not.toMatch(/\b\d{6}\b/);
  });

  it('finds the SMS of a file by its tracking number, and shows failures and deliveries', async () => {
    const s = await open();
    const { file } = withSms(s);
    const down: SmsGateway = { send: () => Promise.reject(new Error('gateway unreachable (ECONNREFUSED)')) };
    // A down gateway ends each pass at its first failure: one SMS tried per pass.
    for (let pass = 0; pass < 3; pass++) await dispatchDueSms(s.temp.store, down, s.clock.now);
    const { cookie } = await s.login(await s.enrolled('awa', ['agent']));
    const byTracking = (await smsOf(s, cookie, `?ref=${file.trackingNumber}`)).json();
    expect(byTracking.ref).toBe(file.id);
    const failed = () => ({
      purpose: 'file_status',
      state: 'pending',
      attempts: 1,
      lastError: 'gateway unreachable (ECONNREFUSED)',
    });
    // Opened, then moved to review: two status SMS.
    expect(byTracking.sms).toMatchObject([failed(), failed()]);
    const up: SmsGateway = { send: () => Promise.resolve() };
    s.clock.advance(31_000);
    await dispatchDueSms(s.temp.store, up, s.clock.now);
    const all = (await smsOf(s, cookie, '?limit=10')).json();
    expect(all.ref).toBeNull();
    expect(all.sms.map((sms: { state: string }) => sms.state)).toEqual(['sent', 'sent', 'sent']);
    expect(all.sms[0]).toMatchObject({ nextAttemptAt: null, sentAt: expect.any(String) });
  });

  it('refuses without a session, to a role without the permission, and for a malformed query', async () => {
    const s = await open();
    withSms(s);
    expect((await s.app.inject({ url: '/api/v1/staff/sms' })).statusCode).toBe(401);
    const { cookie: adminCookie } = await s.login(s.admin);
    const forbidden = await smsOf(s, adminCookie, '');
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error.code).toBe('forbidden');
    const { cookie } = await s.login(await s.enrolled('awa', ['agent']));
    for (const query of [
      '?limit=0',
      '?limit=abc',
      '?limit=501',
      `?ref=${'x'.repeat(81)}`,
      '?ref=',
      '?to=1',
    ]) {
      const response = await smsOf(s, cookie, query);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().error.code).toBe('invalid_request');
    }
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { getService } from '../node/services/catalogue/catalogue.js';
import { openStaffApp, type StaffApp } from './_util/staff-app.js';
import { insertDirective } from './_util/staff-counter.js';

const apps: StaffApp[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

async function open(): Promise<StaffApp> {
  const app = await openStaffApp();
  apps.push(app);
  return app;
}

describe('staff API: login and sessions', () => {
  it('sets an HttpOnly, SameSite=Strict session cookie that authenticates, as does the bearer token', async () => {
    const s = await open();
    const response = await s.app.inject({
      method: 'POST',
      url: '/api/v1/staff/login',
      payload: { username: 'root', password: s.admin.password, code: s.code(s.admin.totpSecret) },
    });
    expect(response.statusCode).toBe(200);
    const cookie = String(response.headers['set-cookie']);
    expect(cookie).toMatch(/^econsulat_staff=[A-Za-z0-9_-]+;/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    // This app has neither TLS nor a trusted proxy (plain HTTP on 127.0.0.1, as the demo): a Secure
    // cookie would never come back. Over HTTPS it is Secure: tests/node.https.test.ts.
    expect(cookie).not.toMatch(/Secure/);
    const { token } = response.json() as { token: string };
    const byCookie = await s.app.inject({
      url: '/api/v1/staff/me',
      headers: { cookie: `econsulat_staff=${token}` },
    });
    expect(byCookie.json().user.username).toBe('root');
    expect(byCookie.json().user.csrfSecret).toBeUndefined();
    const byBearer = await s.app.inject({
      url: '/api/v1/staff/me',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(byBearer.json().permissions).toContain('staff.manage');
  });

  it('refuses a wrong TOTP code with 401 and no cookie', async () => {
    const s = await open();
    const good = s.code(s.admin.totpSecret);
    const wrong = String((Number(good) + 1) % 1_000_000).padStart(6, '0');
    const response = await s.app.inject({
      method: 'POST',
      url: '/api/v1/staff/login',
      payload: { username: 'root', password: s.admin.password, code: wrong },
    });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('invalid_credentials');
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  it('answers 401 without a session and after logout', async () => {
    const s = await open();
    expect((await s.app.inject({ url: '/api/v1/staff/appointments' })).statusCode).toBe(401);
    const { cookie } = await s.login(s.admin);
    const out = await s.app.inject({ method: 'POST', url: '/api/v1/staff/logout', headers: { cookie } });
    expect(out.statusCode).toBe(204);
    const after = await s.app.inject({ url: '/api/v1/staff/me', headers: { cookie } });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('unauthenticated');
  });

  it('keeps a new account out of every route until it has changed its password and enrolled TOTP', async () => {
    const s = await open();
    const admin = await s.login(s.admin);
    const created = await s.app.inject({
      method: 'POST',
      url: '/api/v1/staff/users',
      headers: { cookie: admin.cookie },
      payload: { username: 'mbaye', displayName: 'Mbaye', roles: ['agent'] },
    });
    expect(created.statusCode).toBe(201);
    const temporary = created.json().temporaryPassword as string;
    const first = await s.app.inject({
      method: 'POST',
      url: '/api/v1/staff/login',
      payload: { username: 'mbaye', password: temporary },
    });
    expect(first.json().pending).toEqual(['change_password', 'enrol_totp']);
    const cookie = `econsulat_staff=${first.json().token}`;
    const refused = await s.app.inject({ url: '/api/v1/staff/appointments', headers: { cookie } });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('enrolment_pending');

    const changed = await s.app.inject({
      method: 'POST',
      url: '/api/v1/staff/password',
      headers: { cookie },
      payload: { currentPassword: temporary, newPassword: 'un long mot de passe de Bangui' },
    });
    expect(changed.statusCode).toBe(200);
    const second = `econsulat_staff=${changed.json().token}`;
    const begun = await s.app.inject({
      method: 'POST',
      url: '/api/v1/staff/totp/begin',
      headers: { cookie: second },
    });
    expect(begun.json().uri).toMatch(/^otpauth:\/\/totp\//);
    const confirmed = await s.app.inject({
      method: 'POST',
      url: '/api/v1/staff/totp/confirm',
      headers: { cookie: second },
      payload: { code: s.code(begun.json().secret) },
    });
    expect(confirmed.json().recoveryCodes).toHaveLength(10);
    expect(confirmed.json().pending).toEqual([]);
    const third = `econsulat_staff=${confirmed.json().token}`;
    expect(
      (await s.app.inject({ url: '/api/v1/staff/appointments', headers: { cookie: third } })).statusCode,
    ).toBe(200);
    // The sessions opened before enrolment are gone.
    expect((await s.app.inject({ url: '/api/v1/staff/me', headers: { cookie: second } })).statusCode).toBe(
      401,
    );
  });

  it('limits login attempts per client address', async () => {
    const s = await open();
    // A different username each time: the per-account lockout must not be what stops them.
    const attempt = (i: number) =>
      s.app.inject({
        method: 'POST',
        url: '/api/v1/staff/login',
        payload: { username: `guess${i}`, password: 'x', code: '000000' },
      });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await attempt(i)).statusCode);
    expect(statuses.slice(0, 10).every((status) => status === 401)).toBe(true);
    expect(statuses[10]).toBe(429);
  });
});

describe('staff API: roles and input', () => {
  it('lets a consul acknowledge a directive and refuses an agent', async () => {
    const s = await open();
    const directiveId = insertDirective(s);
    const agent = await s.login(await s.enrolled('yakite', ['agent']));
    const consul = await s.login(await s.enrolled('ngaba', ['consul']));
    const url = `/api/v1/staff/directives/${directiveId}/acknowledge`;
    const byAgent = await s.app.inject({
      method: 'POST',
      url,
      headers: { cookie: agent.cookie },
      payload: {},
    });
    expect(byAgent.statusCode).toBe(403);
    expect(byAgent.json().error.code).toBe('forbidden');
    const listed = await s.app.inject({ url: '/api/v1/staff/directives', headers: { cookie: agent.cookie } });
    expect(listed.json().directives).toHaveLength(1);
    const byConsul = await s.app.inject({
      method: 'POST',
      url,
      headers: { cookie: consul.cookie },
      payload: { comment: 'Lu.' },
    });
    expect(byConsul.statusCode).toBe(200);
    const again = await s.app.inject({
      method: 'POST',
      url,
      headers: { cookie: consul.cookie },
      payload: {},
    });
    expect(again.statusCode).toBe(409);
  });

  it('refuses staff administration to an agent and unknown fields to anyone', async () => {
    const s = await open();
    const agent = await s.login(await s.enrolled('yakite', ['agent']));
    const listed = await s.app.inject({ url: '/api/v1/staff/users', headers: { cookie: agent.cookie } });
    expect(listed.statusCode).toBe(403);
    const admin = await s.login(s.admin);
    const extra = await s.app.inject({
      method: 'POST',
      url: '/api/v1/staff/users',
      headers: { cookie: admin.cookie },
      payload: { username: 'zo', displayName: 'Zo', roles: ['agent'], isRoot: true },
    });
    expect(extra.statusCode).toBe(400);
  });

  it('refuses a form-encoded post to the JSON API', async () => {
    const s = await open();
    const admin = await s.login(s.admin);
    const response = await s.app.inject({
      method: 'POST',
      url: '/api/v1/staff/users',
      headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'username=zo&displayName=Zo&roles=admin',
    });
    expect(response.statusCode).toBe(415);
  });

  it('refuses a consul recording cash: the counter is the agents’ job', async () => {
    const s = await open();
    const consul = await s.login(await s.enrolled('ngaba', ['consul']));
    const response = await s.app.inject({
      method: 'POST',
      url: '/api/v1/staff/invoices',
      headers: { cookie: consul.cookie },
      payload: { serviceCode: 'passport-renewal', currency: 'EUR' },
    });
    expect(response.statusCode).toBe(403);
  });
});

describe('staff API: the counter', () => {
  it('invoices at the catalogue fee, records cash, and gives the receipt', async () => {
    const s = await open();
    const agent = await s.login(await s.enrolled('yakite', ['agent']));
    const headers = { cookie: agent.cookie };
    const opened = await s.app.inject({
      method: 'POST',
      url: '/api/v1/staff/files',
      headers,
      payload: {
        person: { givenNames: 'Clarisse', familyName: 'Ngoumbango', phone: '+33 6 12 34 56 78' },
        serviceCode: 'passport-renewal',
      },
    });
    expect(opened.statusCode).toBe(201);
    const file = opened.json();
    const noFee = await s.app.inject({
      method: 'POST',
      url: '/api/v1/staff/invoices',
      headers,
      payload: { serviceCode: 'passport-renewal', currency: 'USD', fileId: file.id },
    });
    expect(noFee.statusCode).toBe(422);
    const invoiced = await s.app.inject({
      method: 'POST',
      url: '/api/v1/staff/invoices',
      headers,
      payload: { serviceCode: 'passport-renewal', currency: 'XAF', fileId: file.id },
    });
    expect(invoiced.statusCode).toBe(201);
    const invoice = invoiced.json();
    // The amount comes from the catalogue in force, never from the request.
    const catalogueFee = getService(s.temp.store, 'passport-renewal', 'fr')?.fees.find(
      (candidate) => candidate.currency === 'XAF',
    )?.amountMinor;
    expect(catalogueFee).toBeGreaterThan(0);
    expect(invoice).toMatchObject({ totalMinor: catalogueFee, currency: 'XAF' });
    const fee = s.domain.payments.getInvoice(invoice.id)!.totalMinor;
    expect(fee).toBe(catalogueFee);
    const short = await s.app.inject({
      method: 'POST',
      url: '/api/v1/staff/payments/cash',
      headers,
      payload: { invoiceId: invoice.id, amountMinor: fee - 1, currency: 'XAF' },
    });
    expect(short.json().error.code).toBe('amount_mismatch');
    const paid = await s.app.inject({
      method: 'POST',
      url: '/api/v1/staff/payments/cash',
      headers,
      payload: { invoiceId: invoice.id, amountMinor: fee, currency: 'XAF' },
    });
    expect(paid.statusCode).toBe(201);
    const receipt = await s.app.inject({ url: `/api/v1/staff/payments/${paid.json().id}/receipt`, headers });
    expect(receipt.json()).toMatchObject({
      payer: 'Clarisse Ngoumbango',
      trackingNumber: file.trackingNumber,
      currency: 'XAF',
    });
  });

  it('lets only a consul decide a file', async () => {
    const s = await open();
    const agent = await s.login(await s.enrolled('yakite', ['agent']));
    const consul = await s.login(await s.enrolled('ngaba', ['consul']));
    const file = (
      await s.app.inject({
        method: 'POST',
        url: '/api/v1/staff/files',
        headers: { cookie: agent.cookie },
        payload: { person: { givenNames: 'Jean', familyName: 'Kpanou' }, serviceCode: 'passport-renewal' },
      })
    ).json();
    const move = (cookie: string, to: string) =>
      s.app.inject({
        method: 'POST',
        url: `/api/v1/staff/files/${file.id}/transitions`,
        headers: { cookie },
        payload: { to },
      });
    expect((await move(agent.cookie, 'in_review')).statusCode).toBe(200);
    expect((await move(agent.cookie, 'approved')).statusCode).toBe(403);
    expect((await move(consul.cookie, 'approved')).json().state).toBe('approved');
    const queue = await s.app.inject({
      url: '/api/v1/staff/files?state=approved',
      headers: { cookie: agent.cookie },
    });
    expect(queue.json().files[0].applicant.familyName).toBe('Kpanou');
  });
});

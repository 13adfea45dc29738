import { afterEach, describe, expect, it } from 'vitest';
import { cookiesOf, csrfOf, openStaffApp, type StaffApp } from './_util/staff-app.js';
import { bookToday, insertDirective, paidFile } from './_util/staff-counter.js';

const apps: StaffApp[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

async function open(): Promise<StaffApp> {
  const app = await openStaffApp();
  apps.push(app);
  return app;
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = 'application/x-www-form-urlencoded';

describe('back office: login', () => {
  it('logs in through the form with its CSRF token and lands on the first page its roles open', async () => {
    const s = await open();
    const page = await s.app.inject({ url: '/staff/login' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(page.body).not.toMatch(/<script>/);
    const cookie = cookiesOf(page.headers['set-cookie']);
    const response = await s.app.inject({
      method: 'POST',
      url: '/staff/login',
      headers: { cookie, 'content-type': FORM },
      payload: form({
        _csrf: csrfOf(page.body),
        username: 'root',
        password: s.admin.password,
        code: s.code(s.admin.totpSecret),
      }),
    });
    expect(response.statusCode).toBe(303);
    // root holds the admin role only: the staff list, not the counter it may not see.
    expect(response.headers.location).toBe('/staff/personnel');
    expect(String(response.headers['set-cookie'])).toMatch(/econsulat_staff=.+HttpOnly.+SameSite=Strict/);
  });

  it('refuses a login form without its CSRF token, or with a wrong one', async () => {
    const s = await open();
    const page = await s.app.inject({ url: '/staff/login' });
    const cookie = cookiesOf(page.headers['set-cookie']);
    const fields = { username: 'root', password: s.admin.password, code: s.code(s.admin.totpSecret) };
    const missing = await s.app.inject({
      method: 'POST',
      url: '/staff/login',
      headers: { cookie, 'content-type': FORM },
      payload: form({ _csrf: '', ...fields }),
    });
    expect(missing.statusCode).toBe(403);
    const wrong = await s.app.inject({
      method: 'POST',
      url: '/staff/login',
      headers: { cookie, 'content-type': FORM },
      payload: form({ _csrf: 'a-forged-token-of-some-length', ...fields }),
    });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });

  it('sends a visitor without a session to the login page', async () => {
    const s = await open();
    const response = await s.app.inject({ url: '/staff/rendez-vous' });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/staff/login');
  });

  it('sends an account that has not finished enrolment to its account page', async () => {
    const s = await open();
    const { cookie } = await s.login(s.admin);
    const admin = s.domain.staff.authenticate(cookie.split('=')[1]!)!;
    const created = await s.domain.staff.createStaff(admin, {
      username: 'mbaye',
      displayName: 'Mbaye',
      roles: ['agent'],
    });
    const first = await s.domain.staff.login({ username: 'mbaye', password: created.temporaryPassword });
    const page = await s.app.inject({
      url: '/staff/rendez-vous',
      headers: { cookie: `econsulat_staff=${first.token}` },
    });
    expect(page.headers.location).toBe('/staff/compte');
    const account = await s.app.inject({
      url: '/staff/compte',
      headers: { cookie: `econsulat_staff=${first.token}` },
    });
    expect(account.body).toContain('changez le mot de passe temporaire');
  });
});

describe('back office: counter forms', () => {
  it('checks an appointment in through the form', async () => {
    const s = await open();
    const reference = bookToday(s, {
      givenNames: 'Clarisse',
      familyName: 'Ngoumbango',
      documentNumber: 'CF1000001',
      phone: '+33 6 12 34 56 78',
    });
    const { cookie } = await s.login(await s.enrolled('yakite', ['agent']));
    const page = await s.app.inject({ url: '/staff/rendez-vous', headers: { cookie } });
    expect(page.body).toContain(reference);
    const response = await s.app.inject({
      method: 'POST',
      url: '/staff/rendez-vous/pointage',
      headers: { cookie, 'content-type': FORM },
      payload: form({
        _csrf: csrfOf(page.body),
        reference,
        givenNames: 'Clarisse',
        familyName: 'Ngoumbango',
        documentNumber: 'CF1000001',
      }),
    });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/staff/rendez-vous?ok=checked_in');
    expect(s.domain.appointments.get(reference)?.state).toBe('checked_in');
  });

  it('refuses a check-in form with a missing or foreign CSRF token', async () => {
    const s = await open();
    const reference = bookToday(s, {
      givenNames: 'Clarisse',
      familyName: 'Ngoumbango',
      documentNumber: 'CF1000001',
      phone: '+33 6 12 34 56 78',
    });
    const agent = await s.login(await s.enrolled('yakite', ['agent']));
    const other = await s.login(await s.enrolled('bozize', ['agent']));
    const otherPage = await s.app.inject({ url: '/staff/rendez-vous', headers: { cookie: other.cookie } });
    const fields = {
      reference,
      givenNames: 'Clarisse',
      familyName: 'Ngoumbango',
      documentNumber: 'CF1000001',
    };
    const post = (extra: Record<string, string>) =>
      s.app.inject({
        method: 'POST',
        url: '/staff/rendez-vous/pointage',
        headers: { cookie: agent.cookie, 'content-type': FORM },
        payload: form({ ...extra, ...fields }),
      });
    const missing = await post({ _csrf: '' });
    expect(missing.statusCode).toBe(403);
    expect(missing.body).toContain('Le formulaire a expiré');
    // A token of another session does not pass: tokens are bound to the session's secret.
    expect((await post({ _csrf: csrfOf(otherPage.body) })).statusCode).toBe(403);
    expect(s.domain.appointments.get(reference)?.state).toBe('confirmed');
  });

  it('shows a refused check-in as a page in French', async () => {
    const s = await open();
    const reference = bookToday(s, {
      givenNames: 'Clarisse',
      familyName: 'Ngoumbango',
      documentNumber: 'CF1000001',
      phone: '+33 6 12 34 56 78',
    });
    const { cookie } = await s.login(await s.enrolled('yakite', ['agent']));
    const page = await s.app.inject({ url: '/staff/rendez-vous', headers: { cookie } });
    const response = await s.app.inject({
      method: 'POST',
      url: '/staff/rendez-vous/pointage',
      headers: { cookie, 'content-type': FORM },
      payload: form({
        _csrf: csrfOf(page.body),
        reference,
        givenNames: 'Clarisse',
        familyName: 'Ngoumbango',
        documentNumber: 'XX9999999',
      }),
    });
    expect(response.statusCode).toBe(403);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.body).toContain('ne correspond pas au rendez-vous');
  });

  it('renders a printable receipt with the payer’s name escaped', async () => {
    const s = await open();
    const paymentId = paidFile(s, '<script>alert("x")</script>', 'Zo & Fils');
    const { cookie } = await s.login(await s.enrolled('yakite', ['agent']));
    const receipt = await s.app.inject({ url: `/staff/recus/${paymentId}`, headers: { cookie } });
    expect(receipt.statusCode).toBe(200);
    expect(receipt.body).not.toContain('<script>alert');
    expect(receipt.body).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Zo &amp; Fils');
    expect(receipt.body).toContain('55\u202f000 XAF');
    expect(receipt.body).toMatch(/Reçu n° [A-Z]{3}/);
    const css = await s.app.inject({ url: '/staff/assets/backoffice.css' });
    expect(css.body).toContain('@media print');
  });
});

describe('back office: directives', () => {
  it('offers the acknowledgement to the consul only, and refuses the agent’s post', async () => {
    const s = await open();
    const directiveId = insertDirective(s, 'Fermeture <b>exceptionnelle</b>');
    const agent = await s.login(await s.enrolled('yakite', ['agent']));
    const consul = await s.login(await s.enrolled('ngaba', ['consul']));
    const agentPage = await s.app.inject({ url: '/staff/directives', headers: { cookie: agent.cookie } });
    expect(agentPage.body).toContain('Fermeture &lt;b&gt;exceptionnelle&lt;/b&gt;');
    expect(agentPage.body).not.toContain('/accuser');
    const byAgent = await s.app.inject({
      method: 'POST',
      url: `/staff/directives/${directiveId}/accuser`,
      headers: { cookie: agent.cookie, 'content-type': FORM },
      payload: form({ _csrf: csrfOf(agentPage.body), comment: '' }),
    });
    expect(byAgent.statusCode).toBe(403);
    const consulPage = await s.app.inject({ url: '/staff/directives', headers: { cookie: consul.cookie } });
    expect(consulPage.body).toContain(`/staff/directives/${directiveId}/accuser`);
    const byConsul = await s.app.inject({
      method: 'POST',
      url: `/staff/directives/${directiveId}/accuser`,
      headers: { cookie: consul.cookie, 'content-type': FORM },
      payload: form({ _csrf: csrfOf(consulPage.body), comment: 'Transmis aux agents.' }),
    });
    expect(byConsul.statusCode).toBe(303);
    const after = await s.app.inject({
      url: '/staff/directives?ok=acknowledged',
      headers: { cookie: consul.cookie },
    });
    expect(after.body).toContain('Directive accusée.');
    expect(after.body).toContain('par ngaba');
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../hub/services/audit/audit-log.js';
import { type BootstrapResult, totpCodeAt } from '../hub/services/users/index.js';
import { type HubAdminApp, openHubAdminApp } from './_util/hub-admin-app.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { cookiesOf, csrfOf } from './_util/hub-web.js';

// The start of a 30 s step, so each code typed is the next step's.
const T0 = new Date('2026-03-02T08:00:00.000Z');
const FORM = 'application/x-www-form-urlencoded';
const BASE32_SECRET = /^[A-Z2-7]{32}$/;
const RECOVERY_CODE = /^[A-Z0-9]{5}-[A-Z0-9]{5}$/;

interface AuditRow {
  actor: string;
  action: string;
  entity: string;
  entity_id: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

describe.each(storeBackends('hub first-login enrolment'))(
  'hub first-login TOTP enrolment on $name',
  (backend) => {
    let store: TestStore;
    let hub: HubAdminApp;
    let director: BootstrapResult;
    let directorToken: string;

    beforeEach(async () => {
      store = await migratedStore(backend);
      hub = await openHubAdminApp(store, T0);
      director = await hub.user('directrice', ['directorate']);
      directorToken = await hub.token(director);
    });
    afterEach(async () => {
      await hub?.close();
      await store?.dispose();
    });

    const post = (url: string, payload: object, token?: string) =>
      hub.app.inject({
        method: 'POST',
        url,
        payload,
        ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
      });
    const apiLogin = (username: string, password: string, totp?: string) =>
      post('/api/v1/auth/login', { username, password, ...(totp === undefined ? {} : { totp }) });
    const begin = (enrolmentToken: string) => post('/api/v1/auth/totp/enrol/begin', { enrolmentToken });
    const confirm = (enrolmentToken: string, code: string) =>
      post('/api/v1/auth/totp/enrol/confirm', { enrolmentToken, code });
    const audit = () => store.db.query<AuditRow>('SELECT * FROM hub_audit_log ORDER BY seq');
    const enrolledFlag = async (username: string) => {
      const [row] = await store.db.query<{ totp_confirmed_at: Date | null }>(
        'SELECT totp_confirmed_at FROM hub_users WHERE username = $1',
        [username],
      );
      return row?.totp_confirmed_at !== null;
    };
    const failures = async (username: string) => {
      const [row] = await store.db.query<{ failures: number }>(
        'SELECT failures FROM hub_login_attempts WHERE username = $1',
        [username],
      );
      return row?.failures ?? 0;
    };
    const waitMinutes = (minutes: number) => {
      for (let i = 0; i < minutes * 2; i += 1) hub.nextStep();
    };

    /** An account the directorate creates through the API; its one-time password. */
    async function createdByTheDirectorate(username: string, roles: string[]): Promise<string> {
      const created = await post('/api/v1/users', { username, displayName: username, roles }, directorToken);
      expect(created.statusCode).toBe(201);
      return created.json().temporaryPassword as string;
    }

    /** Logs in with the password alone: the enrolment step's token. */
    async function enrolmentStep(username: string, password: string): Promise<string> {
      const refused = await apiLogin(username, password);
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.code).toBe('totp_enrolment_required');
      return refused.json().enrolment.token as string;
    }

    /** Begins and confirms an enrolment step; the secret and what confirm answered. */
    async function enrol(step: string) {
      const shown = await begin(step);
      expect(shown.statusCode).toBe(200);
      const secret = shown.json().secret as string;
      hub.nextStep();
      const confirmed = await confirm(step, totpCodeAt(secret, hub.now()));
      expect(confirmed.statusCode).toBe(200);
      return { secret, confirmed: confirmed.json() };
    }

    describe('the JSON API', () => {
      it('lets a user created by the directorate enrol at first login, shows the recovery codes once, then logs in with password and code', async () => {
        const password = await createdByTheDirectorate('conseiller', ['directorate']);
        const refused = await apiLogin('conseiller', password);
        expect(refused.statusCode).toBe(403);
        expect(refused.headers['cache-control']).toBe('no-store');
        expect(refused.json()).toEqual({
          error: { code: 'totp_enrolment_required', message: expect.any(String) },
          enrolment: {
            token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
            expiresAt: new Date(hub.now().getTime() + 10 * 60_000).toISOString(),
          },
        });
        const step = refused.json().enrolment.token as string;

        const shown = await begin(step);
        expect(shown.statusCode).toBe(200);
        expect(shown.headers['cache-control']).toBe('no-store');
        const { secret, uri, username } = shown.json();
        expect(username).toBe('conseiller');
        expect(secret).toMatch(BASE32_SECRET);
        expect(uri).toMatch(/^otpauth:\/\/totp\//);
        expect(uri).toContain(`secret=${secret}`);
        // Shown again before confirmation, it is the secret the app already holds.
        expect((await begin(step)).json().secret).toBe(secret);

        hub.nextStep();
        const confirmed = await confirm(step, totpCodeAt(secret, hub.now()));
        expect(confirmed.statusCode).toBe(200);
        expect(confirmed.headers['cache-control']).toBe('no-store');
        const body = confirmed.json();
        expect(body.user).toEqual({
          username: 'conseiller',
          displayName: 'conseiller',
          roles: ['directorate'],
        });
        expect(body.recoveryCodes).toHaveLength(10);
        for (const code of body.recoveryCodes) expect(code).toMatch(RECOVERY_CODE);
        expect(JSON.stringify(body)).not.toContain(secret);
        expect(await enrolledFlag('conseiller')).toBe(true);
        const listed = await hub.app.inject({
          url: '/api/v1/users',
          headers: { authorization: `Bearer ${body.token}` },
        });
        expect(listed.statusCode).toBe(200);

        // Once: the step is over, so neither the secret nor new recovery codes come out of it again.
        expect((await begin(step)).statusCode).toBe(401);
        const again = await confirm(step, totpCodeAt(secret, hub.now()));
        expect(again.statusCode).toBe(401);
        expect(again.json().error.code).toBe('invalid_enrolment_token');

        // From now on: password and code, or a recovery code; the password alone is refused.
        expect((await apiLogin('conseiller', password)).statusCode).toBe(401);
        hub.nextStep();
        const normal = await apiLogin('conseiller', password, totpCodeAt(secret, hub.now()));
        expect(normal.statusCode).toBe(200);
        expect(normal.json().user.username).toBe('conseiller');
        expect((await apiLogin('conseiller', password, body.recoveryCodes[0])).statusCode).toBe(200);

        const entries = (await audit()).filter((row) => row.action === 'user.totp_enrolled');
        expect(entries).toEqual([
          expect.objectContaining({
            actor: 'officer:conseiller',
            entity: 'hub_user',
            before: { username: 'conseiller', totpEnrolled: false },
            after: { username: 'conseiller', totpEnrolled: true, recoveryCodesIssued: 10 },
          }),
        ]);
        const everything = JSON.stringify(await audit());
        expect(everything).not.toContain(secret);
        expect(everything).not.toContain(step);
        for (const code of body.recoveryCodes) expect(everything).not.toContain(code);
        expect(await verifyAuditChain(store.db)).toBeNull();
      });

      it('after a TOTP reset, enrols a new secret the same way; the old one opens nothing', async () => {
        const agent = await hub.user('agent.registre', ['registry_officer']);
        const reset = await post('/api/v1/users/agent.registre/reset-totp', {}, directorToken);
        expect(reset.statusCode).toBe(200);
        hub.nextStep();
        const withOldCode = await apiLogin(
          'agent.registre',
          agent.password,
          totpCodeAt(agent.totpSecret, hub.now()),
        );
        expect(withOldCode.statusCode).toBe(403);
        const { secret, confirmed } = await enrol(withOldCode.json().enrolment.token);
        expect(secret).not.toBe(agent.totpSecret);
        expect(confirmed.recoveryCodes).toHaveLength(10);
        hub.nextStep();
        expect(
          (await apiLogin('agent.registre', agent.password, totpCodeAt(agent.totpSecret, hub.now())))
            .statusCode,
        ).toBe(401);
        hub.nextStep();
        expect(
          (await apiLogin('agent.registre', agent.password, totpCodeAt(secret, hub.now()))).statusCode,
        ).toBe(200);
        const actions = (await audit()).map((row) => row.action);
        expect(actions).toEqual(['user.totp_reset', 'user.totp_enrolled']);
      });

      it('keeps the step after a wrong code, which enrols nothing and counts as a failed login', async () => {
        const password = await createdByTheDirectorate('conseiller', ['auditor']);
        const step = await enrolmentStep('conseiller', password);
        const { secret } = (await begin(step)).json();
        expect(await failures('conseiller')).toBe(1);
        const wrong = await confirm(step, '000000');
        expect(wrong.statusCode).toBe(400);
        expect(wrong.json().error.code).toBe('invalid_code');
        expect(await failures('conseiller')).toBe(2);
        expect(await enrolledFlag('conseiller')).toBe(false);
        expect((await audit()).filter((row) => row.action === 'user.totp_enrolled')).toEqual([]);
        hub.nextStep();
        expect((await confirm(step, totpCodeAt(secret, hub.now()))).statusCode).toBe(200);
        // A success forgives the failures, as a login's does.
        expect(await failures('conseiller')).toBe(0);
      });

      it('locks the account after too many wrong codes: then even the right code is refused (423)', async () => {
        const password = await createdByTheDirectorate('conseiller', ['auditor']);
        const step = await enrolmentStep('conseiller', password);
        const { secret } = (await begin(step)).json();
        // The login counted one; four wrong codes reach the limit of five.
        for (let i = 0; i < 4; i += 1) expect((await confirm(step, '000000')).statusCode).toBe(400);
        hub.nextStep();
        const locked = await confirm(step, totpCodeAt(secret, hub.now()));
        expect(locked.statusCode).toBe(423);
        expect(locked.json().error.code).toBe('locked');
        expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
        expect(await enrolledFlag('conseiller')).toBe(false);
        expect((await apiLogin('conseiller', password)).statusCode).toBe(423);
      });

      it('never takes an enrolment token for a session, and a new login replaces the step', async () => {
        const password = await createdByTheDirectorate('conseiller', ['directorate']);
        const step = await enrolmentStep('conseiller', password);
        const asBearer = await hub.app.inject({
          url: '/api/v1/users',
          headers: { authorization: `Bearer ${step}` },
        });
        expect(asBearer.statusCode).toBe(401);
        expect(asBearer.json().error.code).toBe('unauthenticated');
        const logout = await hub.app.inject({
          method: 'POST',
          url: '/api/v1/auth/logout',
          headers: { authorization: `Bearer ${step}` },
        });
        expect(logout.statusCode).toBe(401);
        const asCookie = await hub.app.inject({
          url: '/web/utilisateurs',
          headers: { cookie: `econsulat_hub_session=${step}` },
        });
        expect(asCookie.statusCode).toBe(303);
        expect(asCookie.headers.location).toBe('/web/connexion');

        const newer = await enrolmentStep('conseiller', password);
        expect((await begin(step)).statusCode).toBe(401);
        expect((await begin(newer)).statusCode).toBe(200);
      });

      it('closes the step after ten minutes: neither begin nor confirm then takes it', async () => {
        const password = await createdByTheDirectorate('conseiller', ['auditor']);
        const step = await enrolmentStep('conseiller', password);
        const { secret } = (await begin(step)).json();
        waitMinutes(10);
        expect((await begin(step)).statusCode).toBe(401);
        const late = await confirm(step, totpCodeAt(secret, hub.now()));
        expect(late.statusCode).toBe(401);
        expect(late.json().error.code).toBe('invalid_enrolment_token');
        expect(await enrolledFlag('conseiller')).toBe(false);
      });

      it('refuses the step once the account is deactivated', async () => {
        const password = await createdByTheDirectorate('conseiller', ['auditor']);
        const step = await enrolmentStep('conseiller', password);
        const { secret } = (await begin(step)).json();
        expect((await post('/api/v1/users/conseiller/deactivate', {}, directorToken)).statusCode).toBe(200);
        hub.nextStep();
        expect((await confirm(step, totpCodeAt(secret, hub.now()))).statusCode).toBe(401);
        expect(await enrolledFlag('conseiller')).toBe(false);
      });
    });

    describe('the web pages', () => {
      const form = (url: string, cookie: string, fields: Record<string, string>) =>
        hub.app.inject({
          method: 'POST',
          url,
          headers: { cookie, 'content-type': FORM },
          payload: new URLSearchParams(fields).toString(),
        });

      it('leads a first login from the form to the enrolment page, confirms under CSRF, shows the codes once and opens the session', async () => {
        const password = await createdByTheDirectorate('conseiller', ['directorate']);
        const loginPage = await hub.app.inject({ url: '/web/connexion' });
        const csrfCookie = cookiesOf(loginPage.headers['set-cookie']);
        const loggedIn = await form('/web/connexion', csrfCookie, {
          _csrf: csrfOf(loginPage.body),
          username: 'conseiller',
          password,
          totp: '',
        });
        expect(loggedIn.statusCode).toBe(303);
        expect(loggedIn.headers.location).toBe('/web/connexion/totp');
        const stepCookie = cookiesOf(loggedIn.headers['set-cookie']);
        expect(stepCookie).toMatch(/^econsulat_hub_enrolment=/);
        expect(String(loggedIn.headers['set-cookie'])).toMatch(/HttpOnly/);
        expect(String(loggedIn.headers['set-cookie'])).toMatch(/SameSite=Strict/);
        expect(stepCookie).not.toContain('econsulat_hub_session');
        const cookie = `${csrfCookie}; ${stepCookie}`;

        const page = await hub.app.inject({ url: '/web/connexion/totp', headers: { cookie } });
        expect(page.statusCode).toBe(200);
        expect(page.headers['cache-control']).toBe('no-store');
        const secret = /<code class="secret">([A-Z2-7]+)<\/code>/.exec(page.body)?.[1] ?? '';
        expect(secret).toMatch(BASE32_SECRET);
        expect(page.body).toMatch(/<svg [^>]*viewBox="0 0 \d+ \d+"/);
        expect(page.body).toContain('otpauth://totp/');
        expect(page.body).not.toContain('<script');
        expect(page.body).not.toContain(' style=');
        // The step opens nothing else: no menu, no logout.
        expect(page.body).not.toContain('Se déconnecter');
        expect((await hub.app.inject({ url: '/web/tableau-de-bord', headers: { cookie } })).statusCode).toBe(
          303,
        );

        const noCsrf = await form('/web/connexion/totp', cookie, {
          _csrf: 'forged',
          code: totpCodeAt(secret, hub.now()),
        });
        expect(noCsrf.statusCode).toBe(403);
        // And without the cookie of the step, the form leads back to the login.
        const noStep = await form('/web/connexion/totp', csrfCookie, {
          _csrf: csrfOf(page.body),
          code: totpCodeAt(secret, hub.now()),
        });
        expect(noStep.statusCode).toBe(303);
        expect(noStep.headers.location).toBe('/web/connexion?ok=enrolment_over');
        const wrong = await form('/web/connexion/totp', cookie, { _csrf: csrfOf(page.body), code: '000000' });
        expect(wrong.statusCode).toBe(400);
        expect(wrong.body).toContain('Ce code ne correspond pas');
        expect(wrong.body).toContain(secret);
        expect(await enrolledFlag('conseiller')).toBe(false);

        hub.nextStep();
        const done = await form('/web/connexion/totp', cookie, {
          _csrf: csrfOf(wrong.body),
          code: totpCodeAt(secret, hub.now()),
        });
        expect(done.statusCode).toBe(200);
        expect(done.headers['cache-control']).toBe('no-store');
        const codes = [...done.body.matchAll(/<li><code>([A-Z0-9]{5}-[A-Z0-9]{5})<\/code><\/li>/g)].map(
          (m) => m[1],
        );
        expect(codes).toHaveLength(10);
        expect(done.body).not.toContain(secret);
        expect(done.body).not.toContain('otpauth://');
        const setCookies = String(done.headers['set-cookie']);
        expect(setCookies).toMatch(/econsulat_hub_session=[A-Za-z0-9_-]{43}/);
        expect(setCookies).toMatch(/econsulat_hub_enrolment=;/);
        const session = `${csrfCookie}; ${cookiesOf(done.headers['set-cookie'])}`;
        expect(
          (await hub.app.inject({ url: '/web/tableau-de-bord', headers: { cookie: session } })).statusCode,
        ).toBe(200);

        // Back to the step's page with its old cookie: over, and nothing of the secret.
        const after = await hub.app.inject({ url: '/web/connexion/totp', headers: { cookie } });
        expect(after.statusCode).toBe(303);
        expect(after.headers.location).toBe('/web/connexion?ok=enrolment_over');
        expect(after.body).not.toContain(secret);
        const entries = await audit();
        expect(entries.filter((row) => row.action === 'user.totp_enrolled')).toHaveLength(1);
        expect(JSON.stringify(entries)).not.toContain(secret);
        for (const code of codes) expect(JSON.stringify(entries)).not.toContain(code);
      });

      it('sends a step that is over back to the login form, and locks like a login', async () => {
        const password = await createdByTheDirectorate('conseiller', ['auditor']);
        const loginPage = await hub.app.inject({ url: '/web/connexion' });
        const csrfCookie = cookiesOf(loginPage.headers['set-cookie']);
        const none = await hub.app.inject({ url: '/web/connexion/totp', headers: { cookie: csrfCookie } });
        expect(none.statusCode).toBe(303);
        expect(none.headers.location).toBe('/web/connexion?ok=enrolment_over');
        const loggedIn = await form('/web/connexion', csrfCookie, {
          _csrf: csrfOf(loginPage.body),
          username: 'conseiller',
          password,
          totp: '',
        });
        const cookie = `${csrfCookie}; ${cookiesOf(loggedIn.headers['set-cookie'])}`;
        const page = await hub.app.inject({ url: '/web/connexion/totp', headers: { cookie } });
        let last = page;
        for (let i = 0; i < 4; i += 1) {
          last = await form('/web/connexion/totp', cookie, { _csrf: csrfOf(last.body), code: '000000' });
        }
        expect(last.statusCode).toBe(400);
        const locked = await form('/web/connexion/totp', cookie, {
          _csrf: csrfOf(last.body),
          code: '000000',
        });
        expect(locked.statusCode).toBe(429);
        expect(locked.body).toContain('Trop d’essais');
        waitMinutes(10);
        const over = await hub.app.inject({ url: '/web/connexion/totp', headers: { cookie } });
        expect(over.statusCode).toBe(303);
      });
    });
  },
);

import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadHubIdentity } from '../hub/config/secrets.js';
import { openDatabase } from '../hub/db/open-database.js';
import { storeConfigOf } from '../hub/db/store-config.js';
import { verifyAuditChain } from '../hub/services/audit/audit-log.js';
import { hubSecretsKey } from '../hub/services/missions/hub-secrets-key.js';
import {
  type BootstrapResult,
  beginTotpEnrolment,
  confirmTotpEnrolment,
  createUserManagementService,
  login,
  totpCodeAt,
  type UserAdminActor,
  UserError,
} from '../hub/services/users/index.js';
import { initHub } from '../ops/commands/hub.js';
import { createHubUser } from '../ops/commands/hub-user.js';
import { type HubAdminApp, openHubAdminApp } from './_util/hub-admin-app.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { csrfOf } from './_util/hub-web.js';
import { makeTempDir, type TempDir } from './_util/node-store.js';

// The start of a 30 s step, so each login's code is the next step's.
const T0 = new Date('2026-03-02T08:00:00.000Z');
const FORM = 'application/x-www-form-urlencoded';

interface AuditRow {
  seq: number;
  actor: string;
  action: string;
  entity: string;
  entity_id: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

describe.each(storeBackends('hub user administration'))('hub user administration on $name', (backend) => {
  let store: TestStore;
  let hub: HubAdminApp;
  let director: BootstrapResult;
  let agent: BootstrapResult;
  let actor: UserAdminActor;

  beforeEach(async () => {
    store = await migratedStore(backend);
    hub = await openHubAdminApp(store, T0);
    director = await hub.user('directrice', ['directorate']);
    agent = await hub.user('agent.registre', ['registry_officer']);
    actor = director.user;
  });
  afterEach(async () => {
    await hub?.close();
    await store?.dispose();
  });

  const users = () => hub.services.users;
  const audit = () => store.db.query<AuditRow>('SELECT * FROM hub_audit_log ORDER BY seq');
  const auditCount = async () => (await audit()).length;
  const loginAs = (who: BootstrapResult, password = who.password) => {
    hub.nextStep();
    return hub.services.auth.login({
      username: who.user.username,
      password,
      totp: totpCodeAt(who.totpSecret, hub.now()),
    });
  };
  const storedUser = async (username: string) => {
    const [row] = await store.db.query<{ roles: string[]; active: boolean; password_hash: string }>(
      'SELECT roles, active, password_hash FROM hub_users WHERE username = $1',
      [username],
    );
    return row;
  };

  describe('the service', () => {
    it('creates an account with a one-time password, audited without the password or its hash', async () => {
      const created = await users().create(actor, {
        username: 'Nouveau.Conseiller',
        displayName: 'Nouveau conseiller',
        roles: ['auditor', 'auditor'],
      });
      expect(created.user).toMatchObject({
        username: 'nouveau.conseiller',
        roles: ['auditor'],
        active: true,
        totpEnrolled: false,
      });
      const password = created.temporaryPassword ?? '';
      expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
      // TOTP is not enrolled yet: the password alone opens no session, only the enrolment step.
      const login = await hub.services.auth.login({
        username: 'nouveau.conseiller',
        password,
        totp: '000000',
      });
      expect(login).toMatchObject({ ok: false, refusal: 'totp_enrolment_required' });
      expect(login).not.toHaveProperty('session');
      const [entry] = (await audit()).filter((row) => row.action === 'user.created');
      expect(entry).toMatchObject({
        actor: 'officer:directrice',
        entity: 'hub_user',
        entity_id: created.user.id,
        before: null,
        after: {
          username: 'nouveau.conseiller',
          displayName: 'Nouveau conseiller',
          roles: ['auditor'],
          totpEnrolled: false,
          passwordGenerated: true,
        },
      });
      const hash = (await storedUser('nouveau.conseiller'))?.password_hash ?? '';
      const everything = JSON.stringify(await audit());
      expect(everything).not.toContain(password);
      expect(everything).not.toContain(hash);
      expect(everything).not.toContain('argon2id');
      expect(await verifyAuditChain(store.db)).toBeNull();
    });

    it('takes a chosen password under the policy, and refuses a weak one writing nothing', async () => {
      const before = await auditCount();
      const weak = users().create(actor, {
        username: 'faible',
        displayName: 'F',
        roles: ['auditor'],
        password: 'faible',
      });
      expect(await refusal(weak)).toBe('weak_password');
      expect(await storedUser('faible')).toBeUndefined();
      expect(await auditCount()).toBe(before);
      const chosen = await users().create(actor, {
        username: 'choisi',
        displayName: 'Choisi',
        roles: ['auditor'],
        password: 'une phrase de passe assez longue',
      });
      expect(chosen.temporaryPassword).toBeUndefined();
      const [entry] = (await audit()).filter((row) => row.action === 'user.created');
      expect(entry?.after).toMatchObject({ passwordGenerated: false });
      expect(JSON.stringify(await audit())).not.toContain('une phrase de passe');
    });

    it('deactivates an account, ending its sessions, and reactivates it, each audited', async () => {
      const session = await loginAs(agent);
      expect(session.ok).toBe(true);
      const token = session.ok ? session.session.token : '';
      const off = await users().deactivate(actor, 'Agent.Registre');
      expect(off.active).toBe(false);
      expect(await hub.services.auth.authenticate(token)).toBeNull();
      expect((await loginAs(agent)).ok).toBe(false);
      const on = await users().reactivate(actor, 'agent.registre');
      expect(on.active).toBe(true);
      expect((await loginAs(agent)).ok).toBe(true);
      const entries = (await audit()).filter((row) => row.entity_id === agent.user.id);
      expect(entries.map((row) => [row.action, row.before, row.after])).toEqual([
        [
          'user.deactivated',
          { username: 'agent.registre', active: true },
          { username: 'agent.registre', active: false, sessionsEnded: 1 },
        ],
        [
          'user.reactivated',
          { username: 'agent.registre', active: false },
          { username: 'agent.registre', active: true },
        ],
      ]);
      expect(await verifyAuditChain(store.db)).toBeNull();
    });

    it('unlocks an account locked by failed logins, audited with the lock it lifted', async () => {
      for (let i = 0; i < 5; i++) await loginAs(agent, `not the password ${i}`);
      expect(await loginAs(agent)).toMatchObject({ ok: false, refusal: 'locked' });
      const listed = (await users().list(actor)).find((user) => user.username === 'agent.registre');
      expect(listed?.lockedUntil).toBe(new Date(T0.getTime() + 5 * 30_000 + 15 * 60_000).toISOString());
      await users().unlock(actor, 'agent.registre');
      expect((await loginAs(agent)).ok).toBe(true);
      const [entry] = (await audit()).filter((row) => row.action === 'user.unlocked');
      expect(entry?.before).toMatchObject({ failures: 5, lockedUntil: listed?.lockedUntil });
      expect(entry?.after).toMatchObject({ failures: 0, lockedUntil: null });
      expect(await verifyAuditChain(store.db)).toBeNull();
    });

    it('resets TOTP: sessions end, old codes and recovery codes stop working until a new enrolment', async () => {
      const session = await loginAs(agent);
      const token = session.ok ? session.session.token : '';
      const reset = await users().resetTotp(actor, 'agent.registre');
      expect(reset.totpEnrolled).toBe(false);
      expect(await hub.services.auth.authenticate(token)).toBeNull();
      expect((await loginAs(agent)).ok).toBe(false);
      const recovery = await hub.services.auth.login({
        username: 'agent.registre',
        password: agent.password,
        totp: agent.recoveryCodes[0] ?? '',
      });
      expect(recovery.ok).toBe(false);
      const [entry] = (await audit()).filter((row) => row.action === 'user.totp_reset');
      expect(entry?.before).toMatchObject({ totpEnrolled: true });
      expect(entry?.after).toMatchObject({ totpEnrolled: false, sessionsEnded: 1 });
      expect(JSON.stringify(entry)).not.toContain(agent.totpSecret);
      // A new enrolment opens the account again.
      const enrolment = await beginTotpEnrolment(store.db, 'agent.registre', hub.secretsKey, hub.now());
      hub.nextStep();
      await confirmTotpEnrolment(
        store.db,
        'agent.registre',
        totpCodeAt(enrolment.secret, hub.now()),
        hub.secretsKey,
        hub.now(),
      );
      hub.nextStep();
      const again = await hub.services.auth.login({
        username: 'agent.registre',
        password: agent.password,
        totp: totpCodeAt(enrolment.secret, hub.now()),
      });
      expect(again.ok).toBe(true);
    });

    it("changes another user's roles: their sessions end and the new roles apply at the next login", async () => {
      const session = await loginAs(agent);
      const token = session.ok ? session.session.token : '';
      const changed = await users().setRoles(actor, 'agent.registre', ['registry_officer', 'auditor']);
      expect(changed.roles).toEqual(['registry_officer', 'auditor']);
      expect(await hub.services.auth.authenticate(token)).toBeNull();
      const next = await loginAs(agent);
      expect(next.ok && next.session.user.roles).toEqual(['registry_officer', 'auditor']);
      const [entry] = (await audit()).filter((row) => row.action === 'user.roles_changed');
      expect(entry).toMatchObject({
        actor: 'officer:directrice',
        entity_id: agent.user.id,
        before: { username: 'agent.registre', roles: ['registry_officer'] },
        after: { username: 'agent.registre', roles: ['registry_officer', 'auditor'], sessionsEnded: 1 },
      });
      expect(await verifyAuditChain(store.db)).toBeNull();
    });

    it('refuses an administrator their own roles, deactivation and TOTP reset (self_change), writing nothing', async () => {
      const other = await hub.user('autre.directeur', ['directorate']);
      const before = await auditCount();
      expect(await refusal(users().setRoles(actor, 'directrice', ['directorate', 'auditor']))).toBe(
        'self_change',
      );
      expect(await refusal(users().setRoles(actor, ' Directrice ', ['auditor']))).toBe('self_change');
      expect(await refusal(users().deactivate(actor, 'directrice'))).toBe('self_change');
      expect(await refusal(users().resetTotp(actor, 'directrice'))).toBe('self_change');
      expect(await auditCount()).toBe(before);
      expect(await storedUser('directrice')).toMatchObject({ roles: ['directorate'], active: true });
      // Another member of the directorate may.
      await users().setRoles(other.user, 'directrice', ['directorate', 'auditor']);
      expect((await storedUser('directrice'))?.roles).toEqual(['directorate', 'auditor']);
    });

    it('refuses every action to a user without users.manage (forbidden), writing nothing', async () => {
      const auditor = (await hub.user('auditrice', ['auditor'])).user;
      const before = await auditCount();
      const attempts = [
        users().list(auditor),
        users().get(auditor, 'agent.registre'),
        users().create(auditor, { username: 'intrus', displayName: 'I', roles: ['directorate'] }),
        users().deactivate(auditor, 'agent.registre'),
        users().reactivate(auditor, 'agent.registre'),
        users().unlock(auditor, 'agent.registre'),
        users().resetTotp(auditor, 'agent.registre'),
        users().setRoles(auditor, 'auditrice', ['directorate']),
        users().setRoles({ ...director.user, active: false }, 'agent.registre', ['auditor']),
      ];
      for (const attempt of attempts) expect(await refusal(attempt)).toBe('forbidden');
      expect(await auditCount()).toBe(before);
      expect(await storedUser('intrus')).toBeUndefined();
      expect((await storedUser('auditrice'))?.roles).toEqual(['auditor']);
    });

    it('refuses bad input, unknown users and a taken username, writing nothing', async () => {
      const before = await auditCount();
      const codes = await Promise.all(
        [
          users().setRoles(actor, 'agent.registre', []),
          users().setRoles(actor, 'agent.registre', ['root']),
          users().create(actor, { username: 'x', displayName: 'X', roles: ['auditor'] }),
          users().create(actor, { username: 'ok.name', displayName: ' ', roles: ['auditor'] }),
          users().create({ ...actor }, {
            username: 'ok.name',
            displayName: 'X',
            roles: ['auditor'],
            admin: true,
          } as never),
          users().deactivate(actor, 'not a username!'),
          users().deactivate(actor, 'personne'),
          users().setRoles(actor, 'personne', ['auditor']),
          users().create(actor, { username: 'Agent.Registre', displayName: 'Doublon', roles: ['auditor'] }),
        ].map(refusal),
      );
      expect(codes).toEqual([
        'invalid_request',
        'invalid_request',
        'invalid_request',
        'invalid_request',
        'invalid_request',
        'invalid_request',
        'not_found',
        'not_found',
        'user_exists',
      ]);
      expect(await auditCount()).toBe(before);
      expect((await storedUser('agent.registre'))?.roles).toEqual(['registry_officer']);
    });
  });

  describe('the JSON API', () => {
    const call = (method: 'GET' | 'POST' | 'PUT', url: string, token?: string, payload?: object) =>
      hub.app.inject({
        method,
        url,
        ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
        ...(payload ? { payload } : {}),
      });

    it('lists accounts to users.manage only: 401 without a session, 403 without the permission', async () => {
      expect((await call('GET', '/api/v1/users')).statusCode).toBe(401);
      const officer = await hub.token(agent);
      const forbidden = await call('GET', '/api/v1/users', officer);
      expect(forbidden.statusCode).toBe(403);
      expect(forbidden.json().error.code).toBe('forbidden');
      const listed = await call('GET', '/api/v1/users', await hub.token(director));
      expect(listed.statusCode).toBe(200);
      expect(listed.json().users).toEqual([
        expect.objectContaining({
          username: 'agent.registre',
          roles: ['registry_officer'],
          active: true,
          totpEnrolled: true,
          lockedUntil: null,
        }),
        expect.objectContaining({ username: 'directrice', roles: ['directorate'] }),
      ]);
      expect(JSON.stringify(listed.json())).not.toMatch(/argon2id|password|totpSecret/i);
    });

    it('creates an account (201, not cached) and runs each change, every one audited', async () => {
      const token = await hub.token(director);
      const created = await call('POST', '/api/v1/users', token, {
        username: 'conseiller',
        displayName: 'Conseiller',
        roles: ['minister_office'],
      });
      expect(created.statusCode).toBe(201);
      expect(created.headers['cache-control']).toBe('no-store');
      expect(created.json()).toEqual({
        user: {
          username: 'conseiller',
          displayName: 'Conseiller',
          roles: ['minister_office'],
          active: true,
          totpEnrolled: false,
        },
        temporaryPassword: expect.stringMatching(/^[A-Za-z0-9_-]{24}$/),
      });
      const steps: Array<[string, string, object | undefined, Record<string, unknown>]> = [
        ['POST', 'deactivate', undefined, { active: false }],
        ['POST', 'reactivate', undefined, { active: true }],
        ['POST', 'unlock', undefined, { username: 'agent.registre' }],
        ['POST', 'reset-totp', undefined, { totpEnrolled: false }],
        [
          'PUT',
          'roles',
          { roles: ['registry_officer', 'auditor'] },
          { roles: ['registry_officer', 'auditor'] },
        ],
      ];
      for (const [method, action, body, expected] of steps) {
        const response = await call(
          method as 'POST' | 'PUT',
          `/api/v1/users/agent.registre/${action}`,
          token,
          body,
        );
        expect(response.statusCode, action).toBe(200);
        expect(response.json().user, action).toMatchObject(expected);
      }
      expect((await audit()).map((row) => row.action)).toEqual([
        'user.created',
        'user.deactivated',
        'user.reactivated',
        'user.unlocked',
        'user.totp_reset',
        'user.roles_changed',
      ]);
      expect(new Set((await audit()).map((row) => row.actor))).toEqual(new Set(['officer:directrice']));
      expect(await verifyAuditChain(store.db)).toBeNull();
    });

    it('answers 403 self_change, 400 invalid_request, 404 not_found and 409 user_exists, writing nothing', async () => {
      const token = await hub.token(director);
      const expectations: Array<[number, string, Promise<{ statusCode: number; json(): unknown }>]> = [
        [
          403,
          'self_change',
          call('PUT', '/api/v1/users/directrice/roles', token, { roles: ['directorate', 'auditor'] }),
        ],
        [403, 'self_change', call('POST', '/api/v1/users/directrice/deactivate', token)],
        [403, 'self_change', call('POST', '/api/v1/users/directrice/reset-totp', token)],
        [400, 'invalid_request', call('PUT', '/api/v1/users/agent.registre/roles', token, { roles: [] })],
        [
          400,
          'invalid_request',
          call('PUT', '/api/v1/users/agent.registre/roles', token, { roles: ['superuser'] }),
        ],
        [
          400,
          'invalid_request',
          call('POST', '/api/v1/users', token, { username: 'a', displayName: 'A', roles: ['auditor'] }),
        ],
        [
          400,
          'invalid_request',
          call('POST', '/api/v1/users', token, {
            username: 'abc',
            displayName: 'A',
            roles: ['auditor'],
            active: false,
          }),
        ],
        [
          400,
          'weak_password',
          call('POST', '/api/v1/users', token, {
            username: 'abc',
            displayName: 'A',
            roles: ['auditor'],
            password: 'abc',
          }),
        ],
        [400, 'invalid_request', call('POST', '/api/v1/users/Pas%20valide!/deactivate', token)],
        [404, 'not_found', call('POST', '/api/v1/users/personne/deactivate', token)],
        [404, 'not_found', call('PUT', '/api/v1/users/personne/roles', token, { roles: ['auditor'] })],
        [
          409,
          'user_exists',
          call('POST', '/api/v1/users', token, {
            username: 'directrice',
            displayName: 'D',
            roles: ['auditor'],
          }),
        ],
      ];
      for (const [status, code, response] of expectations) {
        const answer = await response;
        expect(answer.statusCode, code).toBe(status);
        expect((answer.json() as { error: { code: string } }).error.code).toBe(code);
      }
      expect(await auditCount()).toBe(0);
      expect(await storedUser('directrice')).toMatchObject({ roles: ['directorate'], active: true });
      expect(await storedUser('abc')).toBeUndefined();
    });
  });

  describe('the web pages', () => {
    const form = (cookie: string, url: string, fields: Array<[string, string]>) =>
      hub.app.inject({
        method: 'POST',
        url,
        headers: { cookie, 'content-type': FORM },
        payload: new URLSearchParams(fields).toString(),
      });

    it('shows the accounts and the menu entry to users.manage only', async () => {
      const cookie = await hub.webLogin(director);
      const page = await hub.app.inject({ url: '/web/utilisateurs', headers: { cookie } });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('href="/web/utilisateurs"');
      expect(page.body).toContain('agent.registre');
      expect(page.body).toContain('Officier d’état civil');
      const officer = await hub.webLogin(agent);
      const home = await hub.app.inject({ url: '/web/directives', headers: { cookie: officer } });
      expect(home.statusCode).toBe(200);
      expect(home.body).not.toContain('href="/web/utilisateurs"');
      const refused = await hub.app.inject({ url: '/web/utilisateurs', headers: { cookie: officer } });
      expect(refused.statusCode).toBe(403);
      const anonymous = await hub.app.inject({ url: '/web/utilisateurs' });
      expect(anonymous.statusCode).toBe(303);
    });

    it('creates an account from the form, shows its password once, and refuses a form without the CSRF token', async () => {
      const cookie = await hub.webLogin(director);
      const page = await hub.app.inject({ url: '/web/utilisateurs', headers: { cookie } });
      const fields: Array<[string, string]> = [
        ['username', 'Cabinet.Un'],
        ['displayName', 'Cabinet un'],
        ['roles', 'minister_office'],
        ['roles', 'auditor'],
        ['password', ''],
      ];
      const forged = await form(cookie, '/web/utilisateurs', fields);
      expect(forged.statusCode).toBe(403);
      expect(await storedUser('cabinet.un')).toBeUndefined();
      const created = await form(cookie, '/web/utilisateurs', [['_csrf', csrfOf(page.body)], ...fields]);
      expect(created.statusCode).toBe(200);
      expect(created.headers['cache-control']).toBe('no-store');
      const password = /<code>([A-Za-z0-9_-]{24})<\/code>/.exec(created.body)?.[1];
      expect(password).toBeDefined();
      expect(await storedUser('cabinet.un')).toMatchObject({
        roles: ['minister_office', 'auditor'],
        active: true,
      });
      const [entry] = await audit();
      expect(entry).toMatchObject({ action: 'user.created', actor: 'officer:directrice' });
      expect(JSON.stringify(entry)).not.toContain(password);
      const again = await form(cookie, '/web/utilisateurs', [['_csrf', csrfOf(page.body)], ...fields]);
      expect(again.statusCode).toBe(409);
      expect(again.body).toContain('Cet identifiant est déjà pris.');
      const none = await form(cookie, '/web/utilisateurs', [
        ['_csrf', csrfOf(page.body)],
        ['username', 'sans.role'],
        ['displayName', 'Sans rôle'],
      ]);
      expect(none.statusCode).toBe(400);
      expect(none.body).toContain('Cochez au moins un rôle.');
      expect(await auditCount()).toBe(1);
    });

    it('deactivates, reactivates, unlocks, resets TOTP and sets roles through the forms, each audited', async () => {
      const cookie = await hub.webLogin(director);
      const base = '/web/utilisateurs/agent.registre';
      const page = await hub.app.inject({ url: base, headers: { cookie } });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Désactiver le compte');
      const token = csrfOf(page.body);
      const steps: Array<[string, Array<[string, string]>, string]> = [
        ['desactiver', [], 'user_deactivated'],
        ['reactiver', [], 'user_reactivated'],
        ['deverrouiller', [], 'user_unlocked'],
        ['reinitialiser-totp', [], 'user_totp_reset'],
        [
          'roles',
          [
            ['roles', 'registry_officer'],
            ['roles', 'auditor'],
          ],
          'user_roles_changed',
        ],
      ];
      for (const [segment, fields, ok] of steps) {
        const response = await form(cookie, `${base}/${segment}`, [['_csrf', token], ...fields]);
        expect(response.statusCode, segment).toBe(303);
        expect(response.headers.location).toBe(`${base}?ok=${ok}`);
      }
      const shown = await hub.app.inject({ url: `${base}?ok=user_roles_changed`, headers: { cookie } });
      expect(shown.body).toContain('Rôles enregistrés');
      expect(await storedUser('agent.registre')).toMatchObject({
        roles: ['registry_officer', 'auditor'],
        active: true,
      });
      expect((await audit()).map((row) => row.action)).toEqual([
        'user.deactivated',
        'user.reactivated',
        'user.unlocked',
        'user.totp_reset',
        'user.roles_changed',
      ]);
      expect(await verifyAuditChain(store.db)).toBeNull();
    });

    it("hides the forms on one's own page and refuses them with 403, writing nothing", async () => {
      const cookie = await hub.webLogin(director);
      const own = await hub.app.inject({ url: '/web/utilisateurs/directrice', headers: { cookie } });
      expect(own.statusCode).toBe(200);
      expect(own.body).not.toContain('Enregistrer les rôles');
      expect(own.body).not.toContain('Désactiver le compte');
      const token = csrfOf(own.body);
      const grant = await form(cookie, '/web/utilisateurs/directrice/roles', [
        ['_csrf', token],
        ['roles', 'directorate'],
        ['roles', 'auditor'],
      ]);
      expect(grant.statusCode).toBe(403);
      expect(grant.body).toContain('Vous ne pouvez ni changer vos propres rôles');
      const off = await form(cookie, '/web/utilisateurs/directrice/desactiver', [['_csrf', token]]);
      expect(off.statusCode).toBe(403);
      expect(await auditCount()).toBe(0);
      expect(await storedUser('directrice')).toMatchObject({ roles: ['directorate'], active: true });
      const unknown = await form(cookie, '/web/utilisateurs/personne/desactiver', [['_csrf', token]]);
      expect(unknown.statusCode).toBe(404);
      const noRole = await form(cookie, '/web/utilisateurs/agent.registre/roles', [['_csrf', token]]);
      expect(noRole.statusCode).toBe(400);
      expect(await auditCount()).toBe(0);
      // The session is still good: nothing about the directrice changed.
      expect((await hub.app.inject({ url: '/web/utilisateurs', headers: { cookie } })).statusCode).toBe(200);
    });
  });
});

describe('the console', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await makeTempDir('econsulat-hub-');
  });
  afterEach(() => dir?.cleanup());

  it('creates the first member of the directorate, audited, who logs in and administers the others', async () => {
    const config = await initHub({
      dir: join(dir.dir, 'hub'),
      httpPort: '0',
      mqttPort: '0',
      embeddedDatabase: 'pglite',
    });
    const created = await createHubUser(config, {
      username: 'Premiere.Directrice',
      displayName: 'Première directrice',
      roles: ['directorate'],
      officer: 'admin-serveur',
    });
    expect(created.user).toMatchObject({
      username: 'premiere.directrice',
      roles: ['directorate'],
      totpEnrolled: true,
    });
    const db = await openDatabase(storeConfigOf(config));
    try {
      const rows = await db.query<AuditRow>('SELECT * FROM hub_audit_log ORDER BY seq');
      expect(rows).toEqual([
        expect.objectContaining({
          actor: 'officer:admin-serveur',
          action: 'user.created',
          entity: 'hub_user',
          entity_id: created.user.id,
          before: null,
          after: expect.objectContaining({
            username: 'premiere.directrice',
            roles: ['directorate'],
            totpEnrolled: true,
          }),
        }),
      ]);
      const everything = JSON.stringify(rows);
      for (const secret of [created.password, created.totpSecret, ...created.recoveryCodes])
        expect(everything).not.toContain(secret);
      expect(await verifyAuditChain(db)).toBeNull();
      const secretsKey = hubSecretsKey(await loadHubIdentity(config));
      const session = await login(
        db,
        {
          username: 'premiere.directrice',
          password: created.password,
          totp: totpCodeAt(created.totpSecret, T0),
        },
        T0,
        { secretsKey },
      );
      const users = createUserManagementService({ db, now: () => T0 });
      const next = await users.create(session.user, {
        username: 'second',
        displayName: 'Second',
        roles: ['auditor'],
      });
      expect(next.user.roles).toEqual(['auditor']);
      expect(await refusal(users.setRoles(session.user, 'premiere.directrice', ['auditor']))).toBe(
        'self_change',
      );
    } finally {
      await db.close();
    }
  });
});

function refusal(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(UserError);
      return (error as UserError).code;
    },
  );
}

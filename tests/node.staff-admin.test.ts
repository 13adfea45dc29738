import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditHead } from '../node/services/audit/audit-log.js';
import { verifyAuditChain } from '../node/services/audit/audit-verify.js';
import { bootstrapAdmin, can, type PasswordHasher, StaffError } from '../node/services/staff/index.js';
import { openStaffApp, type StaffApp } from './_util/staff-app.js';
import { fastPasswordPool, openStaffFixture, type StaffFixture } from './_util/staff-fixture.js';

let hasher: PasswordHasher;
let fx: StaffFixture;

beforeAll(async () => {
  hasher = await fastPasswordPool();
});
afterAll(() => hasher.close());
beforeEach(async () => {
  fx = await openStaffFixture(hasher);
});
afterEach(() => fx.cleanup());

function caught(run: () => unknown): StaffError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(StaffError);
    return error as StaffError;
  }
  throw new Error('expected a refusal');
}

interface AuditRow {
  actor: string;
  action: string;
  entity_id: string;
  before_digest: string | null;
  after_digest: string | null;
}

function auditRows(): AuditRow[] {
  return fx.temp.store.db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as AuditRow[];
}

describe('staff administration', () => {
  it('creates an account with a temporary password that passes the policy, audited with a digest only', async () => {
    const { user, temporaryPassword } = await fx.staff.createStaff(fx.admin, {
      username: 'Didier',
      displayName: 'Didier Ngaba',
      roles: ['consul', 'agent', 'consul'],
    });
    expect(user).toMatchObject({
      username: 'didier',
      roles: ['agent', 'consul'],
      mustChangePassword: true,
      totpEnrolled: false,
    });
    expect(temporaryPassword.length).toBeGreaterThanOrEqual(12);
    const entry = auditRows().find((row) => row.action === 'staff.created' && row.entity_id === user.id);
    expect(entry).toMatchObject({ actor: 'root', before_digest: null });
    expect(entry?.after_digest).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(auditRows())).not.toContain(temporaryPassword);
    expect(JSON.stringify(auditRows())).not.toContain('Ngaba');
  });

  it('refuses staff management to a user without the admin role', async () => {
    const agent = await fx.enrolled('amina', ['agent', 'consul', 'auditor']);
    const { principal } = await fx.loginAs(agent);
    const error = await fx.staff
      .createStaff(principal, { username: 'x1', displayName: 'X', roles: ['agent'] })
      .catch((e: unknown) => e);
    expect((error as StaffError).code).toBe('forbidden');
    expect(caught(() => fx.staff.deactivate(principal, fx.admin.id)).code).toBe('forbidden');
    expect(caught(() => fx.staff.list(principal)).code).toBe('forbidden');
  });

  it('refuses staff management to an admin who has not finished enrolment', async () => {
    const created = await fx.staff.createStaff(fx.admin, {
      username: 'newadmin',
      displayName: 'N',
      roles: ['admin'],
    });
    const first = await fx.staff.login({ username: 'newadmin', password: created.temporaryPassword });
    const principal = fx.staff.authenticate(first.token);
    expect(principal?.roles).toEqual(['admin']);
    const error = await fx.staff
      .createStaff(principal!, { username: 'x2', displayName: 'X', roles: ['agent'] })
      .catch((e: unknown) => e);
    expect((error as StaffError).code).toBe('forbidden');
  });

  it('refuses a taken username, an unknown role and unknown fields', async () => {
    await fx.staff.createStaff(fx.admin, { username: 'eve', displayName: 'Eve', roles: ['agent'] });
    const refusals = await Promise.all(
      [
        fx.staff.createStaff(fx.admin, { username: 'EVE', displayName: 'Eve 2', roles: ['agent'] }),
        fx.staff.createStaff(fx.admin, {
          username: 'fay',
          displayName: 'Fay',
          roles: ['superuser' as never],
        }),
        fx.staff.createStaff(fx.admin, {
          username: 'gil',
          displayName: 'Gil',
          roles: ['agent'],
          password: 'x',
        } as never),
        fx.staff.createStaff(fx.admin, { username: 'h', displayName: 'H', roles: [] }),
      ].map((p) => p.catch((e: unknown) => (e as StaffError).code)),
    );
    expect(refusals).toEqual(['username_taken', 'invalid_input', 'invalid_input', 'invalid_input']);
  });

  it('changes roles with before and after digests in the audit log', async () => {
    const agent = await fx.enrolled('amina', ['agent']);
    const user = fx.staff.setRoles(fx.admin, agent.id, ['agent', 'consul']);
    expect(user.roles).toEqual(['agent', 'consul']);
    const entry = auditRows().find((row) => row.action === 'staff.roles_changed');
    expect(entry?.before_digest).toMatch(/^[0-9a-f]{64}$/);
    expect(entry?.after_digest).toMatch(/^[0-9a-f]{64}$/);
    expect(entry?.before_digest).not.toBe(entry?.after_digest);
    expect(verifyAuditChain(fx.temp.store.db).ok).toBe(true);
  });

  it('refuses an admin their own roles and deactivation, leaving everything as it was', async () => {
    const head = auditHead(fx.temp.store.db);
    expect(caught(() => fx.staff.setRoles(fx.admin, fx.admin.id, ['admin', 'consul'])).code).toBe(
      'self_change',
    );
    expect(caught(() => fx.staff.setRoles(fx.admin, fx.admin.id, ['consul'])).code).toBe('self_change');
    expect(caught(() => fx.staff.deactivate(fx.admin, fx.admin.id)).code).toBe('self_change');
    expect(auditHead(fx.temp.store.db)).toEqual(head);
    expect(fx.staff.list(fx.admin).find((u) => u.username === 'root')).toMatchObject({
      roles: ['admin'],
      active: true,
    });
    await expect(fx.loginAs(fx.adminSecrets)).resolves.toBeDefined();
  });

  it('refuses to remove the last active admin, leaving everything as it was', async () => {
    // An actor that is no account (the console's), so the self check does not apply.
    const console = { username: 'console', roles: ['admin'] } as const;
    const head = auditHead(fx.temp.store.db);
    expect(caught(() => fx.staff.setRoles(console, fx.admin.id, ['consul'])).code).toBe('last_admin');
    expect(caught(() => fx.staff.deactivate(console, fx.admin.id)).code).toBe('last_admin');
    expect(auditHead(fx.temp.store.db)).toEqual(head);
    expect(fx.staff.list(fx.admin).find((u) => u.username === 'root')).toMatchObject({
      roles: ['admin'],
      active: true,
    });
    await expect(fx.loginAs(fx.adminSecrets)).resolves.toBeDefined();
  });

  it('deactivates and reactivates an account', async () => {
    const agent = await fx.enrolled('amina', ['agent']);
    expect(fx.staff.deactivate(fx.admin, agent.id).active).toBe(false);
    await expect(fx.loginAs(agent)).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(fx.staff.reactivate(fx.admin, agent.id).active).toBe(true);
    await expect(fx.loginAs(agent)).resolves.toBeDefined();
  });

  it('resets TOTP: the old codes and recovery codes stop working and the user must enrol again', async () => {
    const agent = await fx.enrolled('amina', ['agent']);
    expect(fx.staff.resetTotp(fx.admin, agent.id).totpEnrolled).toBe(false);
    expect(fx.staff.recoveryCodesLeft(agent.id)).toBe(0);
    const session = await fx.staff.login({
      username: 'amina',
      password: agent.password,
      code: fx.code(agent.totpSecret),
    });
    expect(session.pending).toEqual(['enrol_totp']);
    expect(can(fx.staff.authenticate(session.token), 'files.transition')).toBe(false);
  });

  it('resets a password to a temporary one that must be changed', async () => {
    const agent = await fx.enrolled('amina', ['agent']);
    const { temporaryPassword, user } = await fx.staff.resetPassword(fx.admin, agent.id);
    expect(user.mustChangePassword).toBe(true);
    await expect(fx.loginAs(agent)).rejects.toMatchObject({ code: 'invalid_credentials' });
    const session = await fx.staff.login({
      username: 'amina',
      password: temporaryPassword,
      code: fx.code(agent.totpSecret),
    });
    expect(session.pending).toEqual(['change_password']);
  });

  it('refuses an unknown account id', () => {
    expect(caught(() => fx.staff.deactivate(fx.admin, '5f0c6a0e-6a43-4a4e-9b55-0b8f0ab1f000')).code).toBe(
      'not_found',
    );
    expect(caught(() => fx.staff.deactivate(fx.admin, 'not-a-uuid')).code).toBe('invalid_input');
  });
});

describe('bootstrapAdmin', () => {
  it('creates a first admin whose returned password and TOTP secret log in with staff.manage', async () => {
    const { principal } = await fx.loginAs(fx.adminSecrets);
    expect(can(principal, 'staff.manage')).toBe(true);
    expect(principal.displayName).toBe('Chef de poste');
    const entry = auditRows().find((row) => row.action === 'staff.created');
    expect(entry?.actor).toBe('system:init');
  });

  it('refuses a second bootstrap once an admin exists', async () => {
    const error = await bootstrapAdmin(fx.temp.store, 'other', { hasher }).catch((e: unknown) => e);
    expect((error as StaffError).code).toBe('admin_exists');
  });

  it('lets the first admin in with a recovery code', async () => {
    const code = fx.adminSecrets.recoveryCodes[3] ?? '';
    const session = await fx.staff.login({ username: 'root', password: fx.adminSecrets.password, code });
    expect(session.pending).toEqual([]);
  });
});

describe('staff administration API: nobody changes their own account', () => {
  let s: StaffApp;
  beforeEach(async () => {
    s = await openStaffApp();
  });
  afterEach(() => s.close());

  const call = (method: 'POST' | 'PUT', url: string, token: string, payload?: object) =>
    s.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload ? { payload } : {}),
    });

  it('answers 403 self_change to an admin changing their own roles or deactivating themselves, writing nothing', async () => {
    const { token } = await s.login(s.admin);
    const head = auditHead(s.temp.store.db);
    const grant = await call('PUT', `/api/v1/staff/users/${s.admin.id}/roles`, token, {
      roles: ['admin', 'consul', 'agent'],
    });
    expect(grant.statusCode).toBe(403);
    expect(grant.json().error.code).toBe('self_change');
    const drop = await call('PUT', `/api/v1/staff/users/${s.admin.id}/roles`, token, { roles: ['agent'] });
    expect(drop.json().error.code).toBe('self_change');
    const off = await call('POST', `/api/v1/staff/users/${s.admin.id}/deactivate`, token);
    expect(off.statusCode).toBe(403);
    expect(off.json().error.code).toBe('self_change');
    expect(auditHead(s.temp.store.db)).toEqual(head);
    const me = await s.app.inject({ url: '/api/v1/staff/me', headers: { authorization: `Bearer ${token}` } });
    expect(me.statusCode).toBe(200);
    expect(me.json().user).toMatchObject({ roles: ['admin'], active: true });
  });

  it("still changes another account's roles and deactivates it", async () => {
    const agent = await s.enrolled('amina', ['agent']);
    const { token } = await s.login(s.admin);
    const roles = await call('PUT', `/api/v1/staff/users/${agent.id}/roles`, token, {
      roles: ['agent', 'consul'],
    });
    expect(roles.statusCode).toBe(200);
    expect(roles.json().roles).toEqual(['agent', 'consul']);
    const off = await call('POST', `/api/v1/staff/users/${agent.id}/deactivate`, token);
    expect(off.statusCode).toBe(200);
    expect(off.json().active).toBe(false);
    expect(verifyAuditChain(s.temp.store.db).ok).toBe(true);
  });
});

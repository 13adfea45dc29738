import { afterEach, describe, expect, it } from 'vitest';
import { auditEntries, pageUser, staffApps } from './_util/backoffice-pages.js';
import type { StaffApp } from './_util/staff-app.js';

const apps = staffApps();
afterEach(apps.closeAll);

const accountNamed = (s: StaffApp, username: string) => {
  const root = s.domain.staff.list({ username: 'root', roles: ['admin'] });
  return root.find((user) => user.username === username);
};

/** Posts a form whose fields repeat a name (checkboxes), with the token of the staff page. */
async function postRepeated(
  s: StaffApp,
  cookie: string,
  url: string,
  token: string,
  fields: Array<[string, string]>,
) {
  const body = new URLSearchParams([['_csrf', token], ...fields]).toString();
  return s.app.inject({
    method: 'POST',
    url,
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: body,
  });
}

const tokenOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

describe('back office: staff administration', () => {
  it('lists the accounts to an administrator, who lands there after login', async () => {
    const s = await apps.open();
    await s.enrolled('yakite', ['agent', 'consul']);
    const admin = await pageUser(s, s.admin);
    const page = await admin.get('/staff/personnel');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<code>yakite</code>');
    expect(page.body).toContain('Double authentification active');
    expect(page.body).toContain('href="/staff/personnel"');
    expect((await admin.get('/staff/')).headers.location).toBe('/staff/personnel');
  });

  it('refuses the staff pages and their forms to a consul', async () => {
    const s = await apps.open();
    const consul = await pageUser(s, await s.enrolled('ngaba', ['consul']));
    expect((await consul.get('/staff/personnel')).statusCode).toBe(403);
    const token = tokenOf((await consul.get('/staff/rendez-vous')).body);
    const created = await postRepeated(s, consul.cookie, '/staff/personnel', token, [
      ['username', 'intrus'],
      ['displayName', 'Intrus'],
      ['roles', 'admin'],
    ]);
    expect(created.statusCode).toBe(403);
    expect(accountNamed(s, 'intrus')).toBeUndefined();
    expect((await consul.get('/staff/rendez-vous')).body).not.toContain('/staff/personnel');
  });

  it('refuses a creation without the CSRF token', async () => {
    const s = await apps.open();
    const admin = await pageUser(s, s.admin);
    const response = await postRepeated(s, admin.cookie, '/staff/personnel', '', [
      ['username', 'mbaye'],
      ['displayName', 'Mbaye'],
      ['roles', 'agent'],
    ]);
    expect(response.statusCode).toBe(403);
    expect(accountNamed(s, 'mbaye')).toBeUndefined();
  });

  it('refuses a bad username, no role and a taken username, keeping what was typed', async () => {
    const s = await apps.open();
    await s.enrolled('yakite', ['agent']);
    const createdBefore = auditEntries(s, 'staff.created').length;
    const admin = await pageUser(s, s.admin);
    const token = tokenOf((await admin.get('/staff/personnel')).body);
    const bad = await postRepeated(s, admin.cookie, '/staff/personnel', token, [
      ['username', '9 <b>'],
      ['displayName', 'Jean <Mbaye>'],
      ['roles', 'agent'],
    ]);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Vérifiez l’identifiant');
    expect(bad.body).toContain('value="Jean &lt;Mbaye&gt;"');
    const noRole = await postRepeated(s, admin.cookie, '/staff/personnel', token, [
      ['username', 'mbaye'],
      ['displayName', 'Mbaye'],
    ]);
    expect(noRole.statusCode).toBe(400);
    const taken = await postRepeated(s, admin.cookie, '/staff/personnel', token, [
      ['username', 'yakite'],
      ['displayName', 'Autre'],
      ['roles', 'agent'],
    ]);
    expect(taken.statusCode).toBe(409);
    expect(taken.body).toContain('Cet identifiant est déjà pris.');
    expect(accountNamed(s, 'mbaye')).toBeUndefined();
    expect(auditEntries(s, 'staff.created')).toHaveLength(createdBefore);
  });

  it('creates an account, showing its temporary password once, and the account can log in with it', async () => {
    const s = await apps.open();
    const admin = await pageUser(s, s.admin);
    const token = tokenOf((await admin.get('/staff/personnel')).body);
    const created = await postRepeated(s, admin.cookie, '/staff/personnel', token, [
      ['username', 'Mbaye'],
      ['displayName', 'Mbaye Sow'],
      ['roles', 'agent'],
      ['roles', 'consul'],
    ]);
    expect(created.statusCode).toBe(200);
    expect(created.headers['cache-control']).toBe('no-store');
    const password = /<p class="secret">([^<]+)<\/p>/.exec(created.body)?.[1];
    expect(password).toBeTruthy();
    expect(created.body).toContain('sans code');
    const account = accountNamed(s, 'mbaye')!;
    expect(account).toMatchObject({
      roles: ['agent', 'consul'],
      mustChangePassword: true,
      totpEnrolled: false,
    });
    expect(auditEntries(s, 'staff.created')).toContainEqual({
      actor: 'root',
      entity: 'staff_user',
      entityId: account.id,
    });
    const first = await s.domain.staff.login({ username: 'mbaye', password: password! });
    expect(first.pending).toContain('change_password');
    expect((await admin.get('/staff/personnel')).body).not.toContain(password!);
  });

  it('changes roles, deactivates, unlocks, resets TOTP and password, each audited', async () => {
    const s = await apps.open();
    const target = await s.enrolled('yakite', ['agent']);
    const admin = await pageUser(s, s.admin);
    const page = '/staff/personnel';
    const base = `/staff/personnel/${target.id}`;
    const roles = await postRepeated(
      s,
      admin.cookie,
      `${base}/roles`,
      tokenOf((await admin.get(page)).body),
      [['roles', 'consul']],
    );
    expect(roles.headers.location).toBe('/staff/personnel?ok=staff_roles');
    expect(accountNamed(s, 'yakite')?.roles).toEqual(['consul']);
    for (const [path, action] of [
      ['desactiver', 'staff.deactivated'],
      ['reactiver', 'staff.reactivated'],
      ['debloquer', 'staff.unlocked'],
      ['reinitialiser-totp', 'staff.totp_reset'],
      ['fermer-sessions', 'staff.sessions_revoked'],
    ] as const) {
      const response = await admin.submit(page, `${base}/${path}`, {});
      expect(response.statusCode, path).toBe(303);
      expect(auditEntries(s, action), path).toEqual([
        { actor: 'root', entity: 'staff_user', entityId: target.id },
      ]);
    }
    expect(accountNamed(s, 'yakite')).toMatchObject({ active: true, totpEnrolled: false });
    const reset = await admin.submit(page, `${base}/mot-de-passe`, {});
    expect(reset.statusCode).toBe(200);
    expect(reset.body).toMatch(/<p class="secret">[^<]+<\/p>/);
    expect(auditEntries(s, 'staff.password_reset')).toHaveLength(1);
    const shown = await admin.get('/staff/personnel?ok=staff_totp');
    expect(shown.body).toContain('Double authentification réinitialisée');
  });

  it("shows no roles or deactivate form on the administrator's own row, and both on another's", async () => {
    const s = await apps.open();
    const other = await s.enrolled('yakite', ['agent']);
    const admin = await pageUser(s, s.admin);
    const page = (await admin.get('/staff/personnel')).body;
    const base = '/staff/personnel';
    expect(page).not.toContain(`action="${base}/${s.admin.id}/roles"`);
    expect(page).not.toContain(`action="${base}/${s.admin.id}/desactiver"`);
    expect(page).toContain(`action="${base}/${other.id}/roles"`);
    expect(page).toContain(`action="${base}/${other.id}/desactiver"`);
    // Its other actions stay, and its roles are still shown, as text.
    expect(page).toContain(`action="${base}/${s.admin.id}/fermer-sessions"`);
    const ownRow = page.slice(page.indexOf('<code>root</code>'));
    expect(ownRow.slice(0, ownRow.indexOf('</tr>'))).toContain('Administrateur');
  });

  it('refuses an administrator their own roles, and changes nothing', async () => {
    const s = await apps.open();
    const admin = await pageUser(s, s.admin);
    const token = tokenOf((await admin.get('/staff/personnel')).body);
    const response = await postRepeated(s, admin.cookie, `/staff/personnel/${s.admin.id}/roles`, token, [
      ['roles', 'agent'],
    ]);
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('vos propres rôles');
    expect(accountNamed(s, 'root')?.roles).toEqual(['admin']);
    expect(auditEntries(s, 'staff.roles_changed')).toEqual([]);
  });
});

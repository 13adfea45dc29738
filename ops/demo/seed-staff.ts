import { totpCodeAt } from '../../common/auth/index.js';
import type { Store } from '../../node/db/store.js';
import type { Domain } from '../../node/services/domain.js';
import { bootstrapAdmin } from '../../node/services/staff/bootstrap.js';

/** A demo account, ready to log in: password and TOTP secret generated at run time. */
export interface DemoAccount {
  readonly username: string;
  readonly roles: readonly string[];
  readonly password: string;
  readonly totpSecret: string;
}

/**
 * Creates a mission's demo staff: an admin, a consul and an agent, each already through first
 * login (password changed, TOTP enrolled), so a visitor can log in with the printed secrets.
 */
export async function seedStaff(store: Store, domain: Domain, city: string): Promise<DemoAccount[]> {
  const admin = await bootstrapAdmin(store, `admin.${city}`, {
    hasher: domain.hasher,
    displayName: `Administrateur ${city}`,
  });
  const accounts: DemoAccount[] = [
    {
      username: admin.user.username,
      roles: ['admin'],
      password: admin.password,
      totpSecret: admin.totpSecret,
    },
  ];
  const actor = { username: admin.user.username, roles: admin.user.roles, pending: [] as string[] };
  for (const [role, displayName] of [
    ['consul', `Consul ${city}`],
    ['agent', `Agent consulaire ${city}`],
  ] as const) {
    const created = await domain.staff.createStaff(actor, {
      username: `${role}.${city}`,
      displayName,
      roles: [role],
    });
    const password = `${role}-${city}-${crypto.randomUUID().slice(0, 13)}`;
    await domain.staff.changePassword(created.user.id, {
      currentPassword: created.temporaryPassword,
      newPassword: password,
    });
    const { secret } = domain.staff.beginTotpEnrolment(created.user.id);
    domain.staff.confirmTotpEnrolment(created.user.id, totpCodeAt(secret, new Date()));
    accounts.push({ username: created.user.username, roles: [role], password, totpSecret: secret });
  }
  return accounts;
}

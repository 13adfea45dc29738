import {
  bootstrapAdmin,
  createPasswordPool,
  createStaffService,
  type PasswordHasher,
  type StaffPrincipal,
  type StaffRole,
  type StaffService,
  totpCodeAt,
} from '../../node/services/staff/index.js';
import { ready, sodium } from '../../protocol/index.js';
import { openTempStore, type TempStore } from './node-store.js';

/** A clock the test moves by hand. Starts at a fixed instant in the middle of a TOTP step. */
export class TestClock {
  private at = Date.parse('2026-03-02T08:00:10.000Z');
  readonly now = (): Date => new Date(this.at);
  advance(ms: number): void {
    this.at += ms;
  }
  /** Moves to the next TOTP step, so a fresh code is not a replay of the last one. */
  nextStep(): void {
    this.advance(30_000);
  }
}

/**
 * A password pool with libsodium's minimum argon2id limits: the flows under test are the same and
 * run in milliseconds. The suite on hashing itself uses the production limits.
 */
export async function fastPasswordPool(): Promise<PasswordHasher> {
  await ready();
  return createPasswordPool({
    size: 2,
    opsLimit: sodium.crypto_pwhash_OPSLIMIT_MIN,
    memLimit: sodium.crypto_pwhash_MEMLIMIT_MIN,
  });
}

/** An enrolled account and its secrets, as its owner would hold them. */
export interface EnrolledUser {
  readonly id: string;
  readonly username: string;
  readonly password: string;
  readonly totpSecret: string;
  readonly recoveryCodes: readonly string[];
}

/** A store, a staff service on a test clock, and a logged-in administrator. */
export interface StaffFixture {
  readonly temp: TempStore;
  readonly clock: TestClock;
  readonly staff: StaffService;
  readonly admin: StaffPrincipal;
  readonly adminSecrets: EnrolledUser;
  /** A current TOTP code of a secret, after moving the clock to the next step. */
  code(secret: string): string;
  /** Creates an account and takes it through first login, password change and TOTP enrolment. */
  enrolled(username: string, roles: StaffRole[]): Promise<EnrolledUser>;
  /** Logs in with password and a fresh TOTP code; returns the principal behind the session. */
  loginAs(user: EnrolledUser): Promise<{ token: string; principal: StaffPrincipal }>;
  cleanup(): Promise<void>;
}

/** Opens a fixture on its own temporary store. */
export async function openStaffFixture(hasher: PasswordHasher): Promise<StaffFixture> {
  const temp = await openTempStore();
  const clock = new TestClock();
  const staff = createStaffService({
    store: temp.store,
    hasher,
    now: clock.now,
    issuer: 'e-Consulat RCA Test',
  });
  const boot = await bootstrapAdmin(temp.store, 'root', {
    hasher,
    now: clock.now,
    displayName: 'Chef de poste',
  });
  const adminSecrets: EnrolledUser = {
    id: boot.user.id,
    username: 'root',
    password: boot.password,
    totpSecret: boot.totpSecret,
    recoveryCodes: boot.recoveryCodes,
  };
  const code = (secret: string): string => {
    clock.nextStep();
    return totpCodeAt(secret, clock.now());
  };
  const loginAs = async (user: EnrolledUser) => {
    const session = await staff.login({
      username: user.username,
      password: user.password,
      code: code(user.totpSecret),
    });
    const principal = staff.authenticate(session.token);
    if (!principal) throw new Error('a fresh session does not authenticate');
    return { token: session.token, principal };
  };
  const admin = (await loginAs(adminSecrets)).principal;
  const enrolled = async (username: string, roles: StaffRole[]): Promise<EnrolledUser> => {
    const created = await staff.createStaff(admin, { username, displayName: `Agent ${username}`, roles });
    const first = await staff.login({ username, password: created.temporaryPassword });
    const password = `${username} likes long walks in Bangui`;
    await staff.changePassword(first.user.id, {
      currentPassword: created.temporaryPassword,
      newPassword: password,
    });
    const { secret } = staff.beginTotpEnrolment(first.user.id);
    const { recoveryCodes } = staff.confirmTotpEnrolment(first.user.id, code(secret));
    return { id: first.user.id, username, password, totpSecret: secret, recoveryCodes };
  };
  return { temp, clock, staff, admin, adminSecrets, code, enrolled, loginAs, cleanup: () => temp.cleanup() };
}

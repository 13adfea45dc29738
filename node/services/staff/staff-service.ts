import type { TotpEnrolment } from '../../../common/auth/index.js';
import { beginTotpEnrolment, changePassword, confirmTotpEnrolment, type TotpEnrolled } from './account.js';
import { type LoginResult, login } from './login.js';
import type { StaffRole } from './permissions.js';
import { remainingRecoveryCodes } from './recovery-codes.js';
import {
  authenticateSession,
  type IssuedSession,
  revokeSessionByToken,
  type StaffPrincipal,
} from './sessions.js';
import {
  createStaff,
  deactivateStaff,
  listStaff,
  reactivateStaff,
  resetStaffPassword,
  resetStaffTotp,
  revokeStaffSessions,
  type StaffActor,
  type StaffWithPassword,
  setStaffRoles,
  unlockStaff,
} from './staff-admin.js';
import { createStaffContext, type StaffDeps } from './staff-context.js';
import type { LoginInput, NewStaffInput, PasswordChangeInput, StaffUser } from './staff-schema.js';

/**
 * The back office's accounts and authentication. Every method validates its input and throws
 * {@link StaffError} with a stable code; methods taking an `actor` check its permission first.
 */
export interface StaffService {
  /** Username + password + TOTP or recovery code → a session. See {@link login}. */
  login(input: LoginInput): Promise<LoginResult>;
  /** The principal behind a session token, or null; refreshes the session's last-seen time. */
  authenticate(token: string): StaffPrincipal | null;
  /** Ends the token's session; false when it was not live. */
  logout(token: string): boolean;
  /** The user's own password change; returns the session that replaces all of theirs. */
  changePassword(userId: string, input: PasswordChangeInput): Promise<IssuedSession>;
  beginTotpEnrolment(userId: string): TotpEnrolment;
  confirmTotpEnrolment(userId: string, code: string): TotpEnrolled;
  /** Unused recovery codes left to a user. */
  recoveryCodesLeft(userId: string): number;
  createStaff(actor: StaffActor, input: NewStaffInput): Promise<StaffWithPassword>;
  setRoles(actor: StaffActor, userId: string, roles: readonly StaffRole[]): StaffUser;
  deactivate(actor: StaffActor, userId: string): StaffUser;
  reactivate(actor: StaffActor, userId: string): StaffUser;
  resetTotp(actor: StaffActor, userId: string): StaffUser;
  resetPassword(actor: StaffActor, userId: string): Promise<StaffWithPassword>;
  unlock(actor: StaffActor, userId: string): StaffUser;
  revokeSessions(actor: StaffActor, userId: string): number;
  list(actor: StaffActor): StaffUser[];
}

/** Wires the staff service over a store and a password worker pool. */
export function createStaffService(deps: StaffDeps): StaffService {
  const ctx = createStaffContext(deps);
  return {
    login: (input) => login(ctx, input),
    authenticate: (token) => authenticateSession(ctx.store, token, ctx.now(), ctx.sessions),
    logout: (token) => revokeSessionByToken(ctx.store.db, token, 'logout', ctx.now()),
    changePassword: (userId, input) => changePassword(ctx, userId, input),
    beginTotpEnrolment: (userId) => beginTotpEnrolment(ctx, userId),
    confirmTotpEnrolment: (userId, code) => confirmTotpEnrolment(ctx, userId, code),
    recoveryCodesLeft: (userId) => remainingRecoveryCodes(ctx.store.db, userId),
    createStaff: (actor, input) => createStaff(ctx, actor, input),
    setRoles: (actor, userId, roles) => setStaffRoles(ctx, actor, userId, roles),
    deactivate: (actor, userId) => deactivateStaff(ctx, actor, userId),
    reactivate: (actor, userId) => reactivateStaff(ctx, actor, userId),
    resetTotp: (actor, userId) => resetStaffTotp(ctx, actor, userId),
    resetPassword: (actor, userId) => resetStaffPassword(ctx, actor, userId),
    unlock: (actor, userId) => unlockStaff(ctx, actor, userId),
    revokeSessions: (actor, userId) => revokeStaffSessions(ctx, actor, userId),
    list: (actor) => listStaff(ctx, actor),
  };
}

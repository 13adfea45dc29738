import type { LockoutPolicy } from '../../../common/auth/index.js';
import type { Database } from '../../db/database.js';
import { createEnrolmentTickets, type IssuedEnrolmentTicket } from './enrolment-tickets.js';
import {
  confirmEnrolment,
  type EnrolmentShown,
  type FirstEnrolment,
  showEnrolment,
} from './first-login-enrolment.js';
import { type LoginCredentials, type LoginResult, loginOrEnrol } from './login.js';
import type { PasswordHasher } from './password-hasher.js';
import { assertSecretsKey } from './secret-box.js';
import { authenticate, DEFAULT_SESSION_POLICY, logout, type SessionPolicy } from './sessions.js';
import { UserError, UserErrorCode } from './user-errors.js';
import type { MinistryUser } from './user-rows.js';

/** What logging in and checking sessions need. */
export interface AuthServiceOptions {
  readonly db: Database;
  /** 32 bytes: opens TOTP secrets and keys recovery-code hashes (hubSecretsKey). */
  readonly secretsKey: Uint8Array;
  readonly now: () => Date;
  /** The process's shared argon2id workers when absent. */
  readonly hasher?: PasswordHasher;
  readonly sessions?: SessionPolicy;
  readonly lockout?: LockoutPolicy;
  /** How long a first-login enrolment step stays open (10 minutes when absent). */
  readonly enrolmentTicketMs?: number;
}

/** A lock's answer: how long to wait, counted from the instant of the try. */
export interface LockedRefusal {
  readonly ok: false;
  readonly refusal: 'locked';
  readonly message: string;
  readonly retryAfterSeconds: number;
}

/**
 * A login's answer. Every refusal but a lock reads the same to the caller (login.ts says why);
 * a lock says how long to wait, counted from the instant the login was tried.
 */
export type LoginOutcome =
  | { readonly ok: true; readonly session: LoginResult }
  | { readonly ok: false; readonly refusal: 'invalid_credentials' }
  | {
      readonly ok: false;
      readonly refusal: 'totp_enrolment_required';
      /** The only thing a right password opens on an unenrolled account: one enrolment step. */
      readonly enrolment: IssuedEnrolmentTicket;
    }
  | LockedRefusal;

/** The answer to an enrolment step's code: a wrong one leaves the step open. */
export type EnrolmentOutcome =
  | ({ readonly ok: true } & FirstEnrolment)
  | { readonly ok: false; readonly refusal: 'invalid_code' | 'invalid_enrolment_token' }
  | LockedRefusal;

/** Ministry users' sessions: the login form and API, the permission guards, logout. */
export interface AuthService {
  login(credentials: LoginCredentials): Promise<LoginOutcome>;
  /** The user of a live session's token, or null (the session's last use is refreshed). */
  authenticate(token: string): Promise<MinistryUser | null>;
  /** Ends the session of a token; whether a live one was ended. */
  logout(token: string): Promise<boolean>;
  /** The secret of an enrolment step, or null when the step is unknown, used or over. */
  showEnrolment(enrolmentToken: string): Promise<EnrolmentShown | null>;
  /** Confirms an enrolment step with a code of its secret: the recovery codes and a session. */
  confirmEnrolment(enrolmentToken: string, code: string): Promise<EnrolmentOutcome>;
}

// When the lock's end cannot be read, the lockout's usual length.
const DEFAULT_RETRY_AFTER_SECONDS = 900;

/** Wires the auth service; a secrets key of the wrong size is refused here, at start. */
export function createAuthService(options: AuthServiceOptions): AuthService {
  assertSecretsKey(options.secretsKey);
  const { db, now } = options;
  const policy = options.sessions ?? DEFAULT_SESSION_POLICY;
  const tickets = createEnrolmentTickets(options.enrolmentTicketMs);
  return {
    async login(credentials) {
      const at = now();
      try {
        const result = await loginOrEnrol(db, credentials, at, options, tickets);
        if ('enrolment' in result) {
          return { ok: false, refusal: 'totp_enrolment_required', enrolment: result.enrolment };
        }
        return { ok: true, session: result };
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        if (error.code !== UserErrorCode.Locked) return { ok: false, refusal: 'invalid_credentials' };
        return lockedRefusal(error, at);
      }
    },
    authenticate: (token) => authenticate(db, token, now(), policy),
    logout: (token) => logout(db, token, now()),
    async showEnrolment(enrolmentToken) {
      try {
        return await showEnrolment(tickets, enrolmentToken, now());
      } catch (error) {
        if (error instanceof UserError && error.code === UserErrorCode.InvalidEnrolmentToken) return null;
        throw error;
      }
    },
    async confirmEnrolment(enrolmentToken, code) {
      const at = now();
      try {
        return { ok: true, ...(await confirmEnrolment(db, tickets, enrolmentToken, code, at, options)) };
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        if (error.code === UserErrorCode.Locked) return lockedRefusal(error, at);
        if (error.code === UserErrorCode.InvalidCode) return { ok: false, refusal: 'invalid_code' };
        if (error.code === UserErrorCode.InvalidEnrolmentToken) {
          return { ok: false, refusal: 'invalid_enrolment_token' };
        }
        throw error;
      }
    },
  };
}

function lockedRefusal(error: UserError, at: Date): LockedRefusal {
  return { ok: false, refusal: 'locked', message: error.message, retryAfterSeconds: retryAfter(error, at) };
}

function retryAfter(error: UserError, at: Date): number {
  const until = Date.parse(String(error.details.lockedUntil));
  const seconds = Math.max(1, Math.ceil((until - at.getTime()) / 1000));
  return Number.isFinite(seconds) ? seconds : DEFAULT_RETRY_AFTER_SECONDS;
}

import type { LockoutPolicy } from '../../../common/auth/index.js';
import type { Database } from '../../db/database.js';
import { type LoginCredentials, type LoginResult, login } from './login.js';
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
      readonly refusal: 'locked';
      readonly message: string;
      readonly retryAfterSeconds: number;
    };

/** Ministry users' sessions: the login form and API, the permission guards, logout. */
export interface AuthService {
  login(credentials: LoginCredentials): Promise<LoginOutcome>;
  /** The user of a live session's token, or null (the session's last use is refreshed). */
  authenticate(token: string): Promise<MinistryUser | null>;
  /** Ends the session of a token; whether a live one was ended. */
  logout(token: string): Promise<boolean>;
}

// When the lock's end cannot be read, the lockout's usual length.
const DEFAULT_RETRY_AFTER_SECONDS = 900;

/** Wires the auth service; a secrets key of the wrong size is refused here, at start. */
export function createAuthService(options: AuthServiceOptions): AuthService {
  assertSecretsKey(options.secretsKey);
  const { db, now } = options;
  const policy = options.sessions ?? DEFAULT_SESSION_POLICY;
  return {
    async login(credentials) {
      const at = now();
      try {
        return { ok: true, session: await login(db, credentials, at, options) };
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        if (error.code !== UserErrorCode.Locked) return { ok: false, refusal: 'invalid_credentials' };
        return {
          ok: false,
          refusal: 'locked',
          message: error.message,
          retryAfterSeconds: retryAfter(error, at),
        };
      }
    },
    authenticate: (token) => authenticate(db, token, now(), policy),
    logout: (token) => logout(db, token, now()),
  };
}

function retryAfter(error: UserError, at: Date): number {
  const until = Date.parse(String(error.details.lockedUntil));
  const seconds = Math.max(1, Math.ceil((until - at.getTime()) / 1000));
  return Number.isFinite(seconds) ? seconds : DEFAULT_RETRY_AFTER_SECONDS;
}

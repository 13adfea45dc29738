import { createPasswordPool, type PasswordHasher } from '../../../common/auth/index.js';

export type { PasswordHasher } from '../../../common/auth/index.js';

let shared: PasswordHasher | undefined;

/**
 * The process's argon2id pool (common/auth), started on first use at libsodium's INTERACTIVE
 * limits with two workers: logins keep flowing on a 2-core hub without starving requests. Its idle
 * workers never hold the process open.
 */
export function sharedPasswordHasher(): PasswordHasher {
  shared ??= createPasswordPool({ size: 2 });
  return shared;
}

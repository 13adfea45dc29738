import type { LockoutPolicy, PasswordHasher } from '../../../common/auth/index.js';
import type { Database } from '../../db/database.js';
import type { ChangeFeed } from '../../live/change-feed.js';
import type { SessionPolicy } from '../../services/users/sessions.js';

/** Where the ministry's web pages live: `/web/…` (the JSON API keeps `/api/v1`). */
export const WEB_BASE = '/web';

/** What the hub's web pages need. Tests build it directly. */
export interface HubWebDeps {
  readonly db: Database;
  /** 32 bytes: opens TOTP secrets and keys recovery-code hashes (hubSecretsKey). */
  readonly secretsKey: Uint8Array;
  /** Committed changes, pushed to open dashboards. */
  readonly changes: ChangeFeed;
  /** Behind TLS: cookies get the Secure flag. */
  readonly secureCookies: boolean;
  readonly now?: () => Date;
  readonly sessions?: SessionPolicy;
  readonly lockout?: LockoutPolicy;
  readonly hasher?: PasswordHasher;
}

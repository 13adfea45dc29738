import { type HubConfig, hubPaths } from '../../../hub/config/config.js';
import type { Database } from '../../../hub/db/database.js';
import { SUPERUSER } from '../../../hub/db/embedded/cluster.js';
import { createPgDatabase } from '../../../hub/db/pg.js';
import { hubSecretsKey } from '../../../hub/services/missions/hub-secrets-key.js';
import { type BootstrapResult, bootstrapUser, totpCodeAt } from '../../../hub/services/users/index.js';
import type { Identity } from '../../../protocol/index.js';

/**
 * The database of a running `econsulat hub run` on its embedded PostgreSQL, through the socket in
 * its data directory, on a small pool of the test's own (the hub keeps serving meanwhile).
 */
export function runningHubDatabase(config: HubConfig): Database {
  const socketDir = encodeURIComponent(hubPaths(config).postgres);
  return createPgDatabase({ connectionString: `postgres://${SUPERUSER}@${socketDir}/postgres`, max: 2 });
}

/** A ministry account on the hub (no command makes one yet) and its bearer header, logged in over HTTP. */
export async function ministryBearer(
  db: Database,
  hub: Identity,
  hubUrl: string,
  roles: string[] = ['directorate'],
): Promise<{ account: BootstrapResult; headers: { authorization: string } }> {
  const account = await bootstrapUser(db, {
    username: 'direction.test',
    displayName: 'Direction (test)',
    roles,
    secretsKey: hubSecretsKey(hub),
  });
  return { account, headers: await loginBearer(hubUrl, account) };
}

/** What logs a hub account in: a bootstrapped account, or one the demo printed. */
export type HubCredentials =
  | BootstrapResult
  | { readonly username: string; readonly password: string; readonly totpSecret: string };

/** Logs a hub account in over HTTP (password and a fresh TOTP code); its bearer header. */
export async function loginBearer(
  hubUrl: string,
  account: HubCredentials,
): Promise<{ authorization: string }> {
  const response = await fetch(`${hubUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      username: 'user' in account ? account.user.username : account.username,
      password: account.password,
      totp: totpCodeAt(account.totpSecret, new Date()),
    }),
  });
  if (response.status !== 200) throw new Error(`login: ${response.status} ${await response.text()}`);
  const { token } = (await response.json()) as { token: string };
  return { authorization: `Bearer ${token}` };
}

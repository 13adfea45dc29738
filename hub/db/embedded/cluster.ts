import { existsSync } from 'node:fs';
import { chown, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { syncToDisk } from '../../../common/fs/durable-files.js';
import { HubError, HubErrorCode } from '../../errors.js';
import type { PostgresBinaries } from './binaries.js';
import { runAs, SETPRIV } from './run-as.js';
import type { ServerUser } from './server-user.js';

/** The role the hub connects as; the socket's directory is the only door (mode 0700). */
export const SUPERUSER = 'postgres';

/**
 * Creates the database cluster on first start. initdb writes into a side directory renamed into
 * place when it has finished, so a hub killed during initdb leaves no half-made cluster: the next
 * start begins again.
 */
export async function ensureCluster(
  dataDir: string,
  binaries: PostgresBinaries,
  user: ServerUser | undefined,
): Promise<'created' | 'existing'> {
  if (existsSync(`${dataDir}/PG_VERSION`)) return 'existing';
  if (existsSync(dataDir) && (await readdir(dataDir)).length > 0) {
    throw new HubError(
      HubErrorCode.EmbeddedDatabaseUnavailable,
      `${dataDir} is not empty and holds no PostgreSQL cluster: move it away and start the hub again`,
    );
  }
  const building = `${dataDir}.initdb`;
  await rm(building, { recursive: true, force: true });
  await mkdir(building, { recursive: true, mode: 0o700 });
  if (user) await chown(building, user.uid, user.gid);
  try {
    await runAs(
      user,
      binaries.initdb,
      [
        '--pgdata',
        building,
        '--username',
        SUPERUSER,
        '--auth',
        'trust',
        '--encoding',
        'UTF8',
        '--no-locale',
        '--no-instructions',
      ],
      { deathSignal: 'SIGKILL', ...(existsSync(SETPRIV) ? { setpriv: SETPRIV } : {}) },
    );
  } catch (error) {
    const output = (error as { stderr?: string }).stderr ?? '';
    throw new HubError(HubErrorCode.EmbeddedDatabaseUnavailable, `initdb failed: ${output.trim()}`, {
      cause: error,
    });
  }
  await rm(dataDir, { recursive: true, force: true });
  await rename(building, dataDir);
  await syncToDisk(dirname(dataDir));
  return 'created';
}

import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { HubError, HubErrorCode } from '../../errors.js';
import type { ServerUser } from './server-user.js';

/**
 * The server user must be able to pass through every directory above the data directory. A hub
 * run as root may sit under a private directory (/root, a 0700 temporary directory): say which
 * one and how to open it for passing (search only, no listing) rather than let initdb fail.
 */
export async function assertReachable(dataDir: string, user: ServerUser): Promise<void> {
  const ancestors: string[] = [];
  for (let dir = dirname(dataDir); ; dir = dirname(dir)) {
    ancestors.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  for (const dir of ancestors) {
    const info = await stat(dir);
    const bit = info.uid === user.uid ? 0o100 : info.gid === user.gid ? 0o010 : 0o001;
    if ((info.mode & bit) === 0) {
      throw new HubError(
        HubErrorCode.EmbeddedDatabaseUnavailable,
        `the hub's PostgreSQL runs as the system user ${user.name}, which cannot pass through ${dir}: ` +
          `run \`chmod o+x ${dir}\` (it lets it through, not list the folder) or choose a hub directory elsewhere`,
      );
    }
  }
}

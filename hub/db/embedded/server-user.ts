import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { HubError, HubErrorCode } from '../../errors.js';

const run = promisify(execFile);

/** The system user the hub's PostgreSQL runs as when the hub itself runs as root. */
export const SERVER_USER = 'econsulat-pg';

/** Who the server process runs as: absent means the hub's own user. */
export interface ServerUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/**
 * PostgreSQL refuses to run as root. A hub run as root (a container, a test machine) hands the
 * server to a dedicated system user with no shell and no home, created the first time; a hub run
 * as its own user (the systemd unit) runs the server as that user.
 */
export async function serverUser(): Promise<ServerUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const existing = await lookUp(SERVER_USER);
  if (existing) return existing;
  try {
    await run('useradd', [
      '--system',
      '--user-group',
      '--no-create-home',
      '--home-dir',
      '/nonexistent',
      '--shell',
      '/usr/sbin/nologin',
      SERVER_USER,
    ]);
  } catch (error) {
    // Two hubs starting at once on one machine: the other one created it.
    const created = await lookUp(SERVER_USER);
    if (created) return created;
    throw new HubError(
      HubErrorCode.EmbeddedDatabaseUnavailable,
      `the hub runs as root and could not create the system user ${SERVER_USER} for its PostgreSQL`,
      { cause: error },
    );
  }
  const created = await lookUp(SERVER_USER);
  if (!created) throw new HubError(HubErrorCode.EmbeddedDatabaseUnavailable, `${SERVER_USER} not found`);
  return created;
}

async function lookUp(name: string): Promise<ServerUser | undefined> {
  try {
    const [uid, gid] = await Promise.all([
      run('id', ['-u', name]).then(({ stdout }) => Number(stdout.trim())),
      run('id', ['-g', name]).then(({ stdout }) => Number(stdout.trim())),
    ]);
    return { name, uid, gid };
  } catch {
    return undefined;
  }
}

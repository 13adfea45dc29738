import { constants } from 'node:fs';
import { chmod, mkdir, open, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type Identity, importKeyFile } from '../../protocol/index.js';

/**
 * Writes an identity's secret to a new file with mode 0600. Refuses to overwrite: replacing a key
 * is a rotation, done on purpose with its own command, never by accident.
 */
export async function writeKeyFile(path: string, identity: Identity): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    await handle.writeFile(identity.exportSecret(), 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  // The process umask cannot widen 0600, but a pre-set default ACL could: set it explicitly.
  await chmod(path, 0o600);
}

/** Reads an identity; refuses a key file that others can read. */
export async function readKeyFile(path: string): Promise<Identity> {
  const info = await stat(path);
  return importKeyFile(await readFile(path, 'utf8'), info.mode, path);
}

import { constants } from 'node:fs';
import { chmod, mkdir, open, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileDurably } from '../../common/fs/durable-files.js';
import { siteTlsPaths } from '../../node/config/config.js';
import type { CertificateAndKey } from './pem-keys.js';

/** Where a mission keeps its TLS material: the node's own layout (node/config/config.ts). */
export const tlsPaths = siteTlsPaths;

/** The paths of {@link tlsPaths}. */
export type TlsPaths = ReturnType<typeof tlsPaths>;

/**
 * Writes a new authority. Refuses to replace one: a new root means visiting every counter again,
 * so it is never made by accident (remove the files by hand to start over).
 */
export async function writeMissionCa(paths: TlsPaths, ca: CertificateAndKey): Promise<void> {
  await mkdir(dirname(paths.caKey), { recursive: true, mode: 0o700 });
  await mkdir(dirname(paths.caCert), { recursive: true });
  const handle = await open(paths.caKey, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    await handle.writeFile(ca.keyPem, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await chmod(paths.caKey, 0o600);
  await writeFileDurably(paths.caCert, ca.certPem, 0o644);
}

/**
 * Writes the server's key and certificate, replacing any former pair; the key first, so a crash
 * between the two leaves a key that matches no certificate and the node refuses to start, rather
 * than a working pair that is half old.
 */
export async function writeServerCertificate(paths: TlsPaths, server: CertificateAndKey): Promise<void> {
  await mkdir(dirname(paths.serverKey), { recursive: true, mode: 0o700 });
  await mkdir(dirname(paths.serverCert), { recursive: true });
  await writeFileDurably(paths.serverKey, server.keyPem, 0o600);
  // A leftover `.partial` from a crash keeps its mode through the rename: set it again.
  await chmod(paths.serverKey, 0o600);
  await writeFileDurably(paths.serverCert, server.certPem, 0o644);
}

/** Reads the authority; refuses a key file others can read, as the mission's other keys. */
export async function readMissionCa(paths: Pick<TlsPaths, 'caKey' | 'caCert'>): Promise<CertificateAndKey> {
  const mode = (await stat(paths.caKey)).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new TypeError(
      `${paths.caKey} can be read by others (mode ${mode.toString(8)}): chmod 600 it first`,
    );
  }
  return { certPem: await readFile(paths.caCert, 'utf8'), keyPem: await readFile(paths.caKey, 'utf8') };
}

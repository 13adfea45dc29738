import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathExists } from '../../../common/fs/path-exists.js';

/**
 * The files of a mission's data directory that are neither its database nor its scans but that a
 * rebuilt node needs to be the same node to its counters: its HTTPS authority and certificate.
 * Without them, every counter's browser would have to be taught a new authority after a fire.
 * They travel in the key envelope, which only the recovery key opens (the authority's key signs
 * certificates the counters trust).
 */
export const SITE_FILES = [
  'keys/tls-ca.key',
  'tls/mission-ca.crt',
  'keys/tls-server.key',
  'tls/server.crt',
] as const;

/** One of {@link SITE_FILES}, relative to the data directory. */
export type SiteFile = (typeof SITE_FILES)[number];

/** The site files present in a data directory, by relative path. */
export async function readSiteFiles(dataDir: string): Promise<Partial<Record<SiteFile, string>>> {
  const found: Partial<Record<SiteFile, string>> = {};
  for (const name of SITE_FILES) {
    try {
      found[name] = await readFile(join(dataDir, name), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return found;
}

/**
 * Writes the site files a restore brought back, each only where none is: a node rebuilt on a
 * machine that already made its own certificate keeps it. Keys 0600, certificates 0644.
 */
export async function writeMissingSiteFiles(
  dataDir: string,
  files: Partial<Record<SiteFile, string>>,
): Promise<SiteFile[]> {
  const written: SiteFile[] = [];
  for (const name of SITE_FILES) {
    const text = files[name];
    const path = join(dataDir, name);
    if (text === undefined || (await pathExists(path))) continue;
    const isKey = name.startsWith('keys/');
    await mkdir(dirname(path), { recursive: true, mode: isKey ? 0o700 : 0o755 });
    await writeFile(path, text, { mode: isKey ? 0o600 : 0o644, flag: 'wx' });
    written.push(name);
  }
  return written;
}

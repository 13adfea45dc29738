import { mkdtemp, readdir, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../node/db/store.js';
import { ready, sodium } from '../../protocol/index.js';

/** A temporary directory owned by one test; `cleanup` removes it. */
export interface TempDir {
  readonly dir: string;
  cleanup(): Promise<void>;
}

/** Creates a fresh temporary directory. */
export async function makeTempDir(prefix = 'econsulat-node-'): Promise<TempDir> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A store on a file in its own temporary directory, with a random data key. */
export interface TempStore extends TempDir {
  readonly store: Store;
  readonly path: string;
  readonly dataKey: Uint8Array;
}

/** Opens a migrated store in a new temporary directory; `cleanup` closes it and removes the directory. */
export async function openTempStore(): Promise<TempStore> {
  await ready();
  const temp = await makeTempDir();
  const path = join(temp.dir, 'mission.sqlite');
  const dataKey = sodium.randombytes_buf(32);
  const store = await openStore({ path, dataKey });
  return {
    ...temp,
    store,
    path,
    dataKey,
    cleanup: async () => {
      if (store.db.open) store.close();
      await temp.cleanup();
    },
  };
}

/**
 * How many of this process's descriptors are open on the file at `path` (Linux /proc), counting
 * one on a file since deleted, which reads "<path> (deleted)".
 */
export async function descriptorsOn(path: string): Promise<number> {
  const fds = await readdir('/proc/self/fd');
  const targets = await Promise.all(fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')));
  return targets.filter((target) => target === path || target === `${path} (deleted)`).length;
}

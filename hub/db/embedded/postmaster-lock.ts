import { readFile, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { HubError, HubErrorCode } from '../../errors.js';

const ORPHAN_GRACE_MS = 15_000;
const POLL_MS = 50;

/**
 * Looks at the postmaster.pid a previous server left and clears the way, or refuses:
 * - no file, or its process is gone: PostgreSQL itself takes over a stale file;
 * - its number now belongs to another program, or another PostgreSQL (reused after a crash): the
 *   file is removed;
 * - a server whose hub died (its parent is gone, it is shutting down after the parent-death
 *   signal, or it had none): waited for, then told to stop at once;
 * - a server whose hub is alive: another hub process is using this directory, refused.
 */
export async function clearStalePostmaster(dataDir: string): Promise<void> {
  const pidFile = `${dataDir}/postmaster.pid`;
  const pid = await readPid(pidFile);
  if (pid === undefined || !alive(pid)) return;
  // Ours only if it runs on this very directory: after a power cut the number may belong to another
  // PostgreSQL of the machine (the system's own), which must never be stopped from here.
  if (!(await servesDirectory(pid, dataDir))) {
    await rm(pidFile, { force: true });
    return;
  }
  if ((await parentOf(pid)) !== 1) throw anotherHub(dataDir, pid);
  const deadline = Date.now() + ORPHAN_GRACE_MS;
  while (alive(pid) && Date.now() < deadline) await sleep(POLL_MS);
  if (!alive(pid)) return;
  process.kill(pid, 'SIGQUIT');
  while (alive(pid)) await sleep(POLL_MS);
}

/** The refusal of a second hub on one data directory, with what to do. */
export function anotherHub(dataDir: string, pid?: number): HubError {
  return new HubError(
    HubErrorCode.HubAlreadyRunning,
    `another hub process is already running on this directory (its PostgreSQL${pid ? `, pid ${pid},` : ''} ` +
      `holds ${dataDir}): stop it before starting this one, or give this one its own directory`,
  );
}

async function readPid(path: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  const pid = Number(text?.split('\n')[0]);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, owned by someone we may not signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when the process's arguments hold `-D <dataDir>`, as the hub starts its server. */
async function servesDirectory(pid: number, dataDir: string): Promise<boolean> {
  const args = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
  return args.some((arg, index) => arg === '-D' && args[index + 1] === dataDir);
}

async function parentOf(pid: number): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
  const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  return Number.isSafeInteger(ppid) ? ppid : undefined;
}

import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { HubError, HubErrorCode } from '../../errors.js';
import type { PostgresBinaries } from './binaries.js';
import { SUPERUSER } from './cluster.js';
import { anotherHub, clearStalePostmaster } from './postmaster-lock.js';
import { SETPRIV, spawnAs } from './run-as.js';
import type { ServerUser } from './server-user.js';

/** A PostgreSQL server the hub started, reachable only through a socket in its data directory. */
export interface RunningServer {
  /** The directory of the server's unix socket (its data directory). */
  readonly socketDir: string;
  readonly pid: number;
  /** Resolves when the server process has ended, for whatever reason. */
  readonly exited: Promise<number | NodeJS.Signals | null>;
  /** A fast shutdown: open transactions rolled back, a checkpoint, the process gone. */
  stop(): Promise<void>;
}

/**
 * What makes an acknowledged commit survive a power cut, stated on the command line so that no
 * edit of postgresql.conf can turn it off. No TCP: the socket's directory (0700) is the only door.
 */
function settings(dataDir: string): string[] {
  const values = {
    fsync: 'on',
    synchronous_commit: 'on',
    full_page_writes: 'on',
    listen_addresses: '',
    unix_socket_directories: dataDir,
    unix_socket_permissions: '0700',
  };
  return Object.entries(values).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
}

const SOCKET_PATH_MAX = 107;
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

/** Starts the server on an existing cluster and resolves once it accepts connections. */
export async function startServer(options: {
  binaries: PostgresBinaries;
  dataDir: string;
  user: ServerUser | undefined;
  logFile: string;
}): Promise<RunningServer> {
  const { dataDir } = options;
  const socket = `${dataDir}/.s.PGSQL.5432`;
  if (Buffer.byteLength(socket) > SOCKET_PATH_MAX) {
    throw new HubError(
      HubErrorCode.EmbeddedDatabaseUnavailable,
      `the database socket's path ${socket} is longer than ${SOCKET_PATH_MAX} bytes: choose a shorter hub directory`,
    );
  }
  await clearStalePostmaster(dataDir);
  const log = await open(options.logFile, 'a', 0o600);
  const logStart = (await stat(options.logFile)).size;
  let child: ChildProcess;
  try {
    child = spawnAs(options.user, options.binaries.postgres, ['-D', dataDir, ...settings(dataDir)], {
      stdio: ['ignore', log.fd, log.fd],
      // Immediate shutdown, as after a crash: what was committed is on disk, the rest never was.
      deathSignal: 'SIGQUIT',
      ...(existsSync(SETPRIV) ? { setpriv: SETPRIV } : {}),
    });
  } finally {
    await log.close();
  }
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal));
    child.once('error', () => resolve(null));
  });
  await waitUntilReady(dataDir, exited, async () => failure(options.logFile, logStart, dataDir));
  return {
    socketDir: dataDir,
    pid: child.pid ?? 0,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGINT');
      // Past the timeout, an immediate shutdown: recovery at the next start replays the WAL.
      const late = setTimeout(() => child.kill('SIGQUIT'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(late);
    },
  };
}

async function waitUntilReady(
  dataDir: string,
  exited: Promise<unknown>,
  explain: () => Promise<HubError>,
): Promise<void> {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (gone) throw await explain();
    const client = new pg.Client({ host: dataDir, user: SUPERUSER, database: 'postgres' });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
      await sleep(50);
    }
  }
  throw new HubError(
    HubErrorCode.EmbeddedDatabaseUnavailable,
    'the embedded PostgreSQL did not start in time',
  );
}

/** Turns the server's last words into a readable refusal. */
async function failure(logFile: string, from: number, dataDir: string): Promise<HubError> {
  const handle = await open(logFile, 'r');
  let text: string;
  try {
    const size = (await handle.stat()).size;
    const buffer = Buffer.alloc(Math.max(0, size - from));
    await handle.read(buffer, 0, buffer.length, from);
    text = buffer.toString('utf8');
  } finally {
    await handle.close();
  }
  const lock = /lock file "postmaster\.pid" already exists[\s\S]*?PID (\d+)/.exec(text);
  if (lock) return anotherHub(dataDir, Number(lock[1]));
  const fatal = text.split('\n').filter((line) => /FATAL|PANIC|ERROR/.test(line));
  return new HubError(
    HubErrorCode.EmbeddedDatabaseUnavailable,
    `the embedded PostgreSQL stopped while starting: ${(fatal.length > 0 ? fatal : text.split('\n').slice(-5)).join(' / ')} (log: ${logFile})`,
  );
}

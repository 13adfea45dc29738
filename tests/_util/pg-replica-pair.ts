import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { appendFile, chown, mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { runAs, SETPRIV, spawnAs } from '../../hub/db/embedded/run-as.js';
import { type ServerUser, serverUser } from '../../hub/db/embedded/server-user.js';
import { freePort } from './free-port.js';

/** Debian's PostgreSQL programs (postgresql-NN), the newest installed; undefined when none is. */
export function installedPostgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((name) => /^\d+$/.test(name) && existsSync(join(root, name, 'bin', 'pg_basebackup')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

/** One server of the pair: where it listens, and how to end it. */
interface Server {
  readonly port: number;
  readonly url: string;
  readonly process: ChildProcess;
  readonly exited: Promise<unknown>;
}

/** A primary and its synchronous streaming replica, on 127.0.0.1, in a temporary directory. */
export interface ReplicaPair {
  readonly primary: Server;
  readonly replica: Server;
  /** libpq's multi-host URL naming both, primary first: what an operator gives the hub. */
  readonly url: string;
  /** An immediate shutdown of the primary, as a crash: no checkpoint, clients cut. */
  crashPrimary(): Promise<void>;
  /** Promotes the replica to primary and waits until it accepts writes. */
  promoteReplica(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Builds the pair with the installed tools: initdb, then pg_basebackup -R for the replica, with
 * `synchronous_standby_names = '*'` so that the primary acknowledges a commit only once the replica
 * has it. As root (a test machine), the servers run as the hub's embedded-server user.
 */
export async function startReplicaPair(bin: string): Promise<ReplicaPair> {
  const user = await serverUser();
  const base = await mkdtemp(join(tmpdir(), 'econsulat-failover-'));
  if (user) await chown(base, user.uid, user.gid);
  const primaryDir = join(base, 'primary');
  const replicaDir = join(base, 'replica');
  const started: Server[] = [];
  try {
    await makeDir(primaryDir, user);
    await runAs(user, join(bin, 'initdb'), [
      '-D',
      primaryDir,
      '-U',
      'postgres',
      '--auth',
      'trust',
      '--no-locale',
      '-E',
      'UTF8',
      '--no-instructions',
    ]);
    // initdb's pg_hba.conf already lets 127.0.0.1 replicate with the chosen method (trust).
    await appendFile(
      join(primaryDir, 'postgresql.conf'),
      [
        "wal_level = 'replica'",
        'max_wal_senders = 4',
        "synchronous_standby_names = '*'",
        "synchronous_commit = 'on'",
        'hot_standby = on',
        '',
      ].join('\n'),
    );
    const primary = await startServer(user, bin, primaryDir, await freePort());
    started.push(primary);
    await makeDir(replicaDir, user);
    await runAs(user, join(bin, 'pg_basebackup'), [
      '-h',
      '127.0.0.1',
      '-p',
      String(primary.port),
      '-U',
      'postgres',
      '-D',
      replicaDir,
      '-R',
      '-X',
      'stream',
      '--checkpoint=fast',
    ]);
    // Once promoted, the replica has no standby of its own: with the primary's setting it would
    // wait for one at every commit. An operator sets it anew when a new standby joins.
    const replica = await startServer(user, bin, replicaDir, await freePort(), [
      '-c',
      'synchronous_standby_names=',
    ]);
    started.push(replica);
    await waitForSyncReplica(primary.url);
    return {
      primary,
      replica,
      url: `postgres://postgres@127.0.0.1:${primary.port},127.0.0.1:${replica.port}/postgres`,
      async crashPrimary() {
        primary.process.kill('SIGQUIT');
        await primary.exited;
      },
      async promoteReplica() {
        await withClient(replica.url, (client) => client.query('SELECT pg_promote(true, 60)'));
        await until(async () => {
          const { rows } = await withClient(replica.url, (client) =>
            client.query<{ standby: boolean }>('SELECT pg_is_in_recovery() AS standby'),
          );
          return rows[0]?.standby === false;
        });
      },
      async stop() {
        await stopAll(started);
        await rm(base, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stopAll(started);
    await rm(base, { recursive: true, force: true });
    throw error;
  }
}

async function makeDir(dir: string, user: ServerUser | undefined): Promise<void> {
  await mkdir(dir, { mode: 0o700 });
  if (user) await chown(dir, user.uid, user.gid);
}

async function startServer(
  user: ServerUser | undefined,
  bin: string,
  dataDir: string,
  port: number,
  settings: readonly string[] = [],
) {
  const log = await open(`${dataDir}.log`, 'a', 0o600);
  let child: ChildProcess;
  try {
    child = spawnAs(
      user,
      join(bin, 'postgres'),
      [
        '-D',
        dataDir,
        '-c',
        `port=${port}`,
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        `unix_socket_directories=${dataDir}`,
        ...settings,
      ],
      // Killed with the test process, even by a crash of the runner: no server outlives it.
      {
        stdio: ['ignore', log.fd, log.fd],
        deathSignal: 'SIGQUIT',
        ...(existsSync(SETPRIV) ? { setpriv: SETPRIV } : {}),
      },
    );
  } finally {
    await log.close();
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await until(async () => {
    await withClient(url, (client) => client.query('SELECT 1'));
    return true;
  });
  return { port, url, process: child, exited };
}

async function waitForSyncReplica(primaryUrl: string): Promise<void> {
  await until(async () => {
    const { rows } = await withClient(primaryUrl, (client) =>
      client.query<{ state: string }>('SELECT sync_state AS state FROM pg_stat_replication'),
    );
    return rows.some((row) => row.state === 'sync');
  });
}

async function stopAll(servers: readonly Server[]): Promise<void> {
  for (const server of servers) {
    if (server.process.exitCode === null && server.process.signalCode === null) {
      server.process.kill('SIGQUIT');
      await server.exited;
    }
  }
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function until(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      last = error;
    }
    await sleep(100);
  }
  throw new Error(`timed out${last instanceof Error ? `: ${last.message}` : ''}`);
}

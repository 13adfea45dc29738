import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hubPaths } from '../hub/config/config.js';
import { openDatabase } from '../hub/db/open-database.js';
import { storeConfigOf } from '../hub/db/store-config.js';
import { HubErrorCode } from '../hub/errors.js';
import { initHub, readHubConfig } from '../ops/commands/hub.js';
import { makeTempDir, type TempDir } from './_util/node-store.js';
import type { CommitRowsChildConfig } from './_util/processes/commit-rows.js';
import { killLeftoverHubs, startHubProcess } from './_util/processes/hub-cli.js';
import { killLeftoverChildren, type RunningChild, startChild } from './_util/processes/spawn-child.js';

/** A hub directory the server user (econsulat-pg when the tests run as root) can reach. */
async function hubDir(): Promise<{ temp: TempDir; configFile: string }> {
  const temp = await makeTempDir('econsulat-embedded-');
  await chmod(temp.dir, 0o711);
  await initHub({ dir: join(temp.dir, 'hub'), httpPort: '0', mqttPort: '0' });
  return { temp, configFile: join(temp.dir, 'hub', 'hub.json') };
}

/**
 * Traces fsync and fdatasync of `pid` and of every process it forks from now on, while `act`
 * runs; resolves with how many of those calls were made.
 */
async function syncCallsDuring(pid: number, act: () => Promise<void>): Promise<number> {
  const tracer = spawn('strace', ['-f', '-p', String(pid), '-e', 'trace=fsync,fdatasync', '-qq'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let trace = '';
  tracer.stderr?.on('data', (chunk: Buffer) => {
    trace += chunk.toString();
  });
  await attached(tracer, () => trace);
  await act();
  const ended = new Promise((resolve) => tracer.once('exit', resolve));
  tracer.kill('SIGINT');
  await ended;
  return trace.split('\n').filter((line) => /\b(fsync|fdatasync)\(/.test(line)).length;
}

/** strace prints nothing on attaching with -qq: give it the time ptrace takes, and check it lives. */
async function attached(tracer: ChildProcess, trace: () => string): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 500));
  if (tracer.exitCode !== null) throw new Error(`strace could not attach: ${trace()}`);
}

/** What commit-rows.ts prints once its rows are committed (entry scripts run at import). */
const COMMITTED_LINE = 'committed';

/** Tells the commit-rows child to commit, and waits until it says it has. */
async function commitIn(child: RunningChild): Promise<void> {
  child.process.kill('SIGUSR2');
  await expect.poll(() => child.output().includes(COMMITTED_LINE), { timeout: 30_000 }).toBe(true);
}

describe('the hub’s embedded PostgreSQL', () => {
  let temp: TempDir | undefined;
  afterEach(async () => {
    await killLeftoverHubs();
    await killLeftoverChildren();
    await temp?.cleanup();
    temp = undefined;
  });

  it('is the default: a real server with fsync on, reached through a socket in the hub’s directory', async () => {
    const made = await hubDir();
    temp = made.temp;
    const config = await readHubConfig(made.configFile);
    expect(config.embeddedDatabase).toBe('postgres');
    const db = await openDatabase(storeConfigOf(config));
    try {
      const settings = await db.query<{ name: string; setting: string }>(
        `SELECT name, setting FROM pg_settings
          WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'listen_addresses',
                         'unix_socket_directories', 'data_directory')
          ORDER BY name`,
      );
      const dataDir = hubPaths(config).postgres;
      expect(settings).toEqual([
        { name: 'data_directory', setting: dataDir },
        { name: 'fsync', setting: 'on' },
        { name: 'full_page_writes', setting: 'on' },
        { name: 'listen_addresses', setting: '' },
        { name: 'synchronous_commit', setting: 'on' },
        { name: 'unix_socket_directories', setting: dataDir },
      ]);
    } finally {
      await db.close();
    }
  });

  it('fsyncs an acknowledged commit, where PGlite does not: the same trace on both', async () => {
    const made = await hubDir();
    temp = made.temp;
    const pgliteChild = await startChild('./commit-rows.ts', {
      pgliteDir: join(temp.dir, 'pglite'),
    } satisfies CommitRowsChildConfig);
    const pgliteSyncs = await syncCallsDuring(pgliteChild.process.pid ?? 0, () => commitIn(pgliteChild));

    const config = await readHubConfig(made.configFile);
    const db = await openDatabase(storeConfigOf(config));
    try {
      const server = (db as unknown as { server: { pid: number; socketDir: string } }).server;
      const pgChild = await startChild('./commit-rows.ts', {
        socketDir: server.socketDir,
      } satisfies CommitRowsChildConfig);
      // The backend that commits is forked by the traced postmaster when the child connects.
      const serverSyncs = await syncCallsDuring(server.pid, () => commitIn(pgChild));
      expect({ pgliteSyncs, serverSyncs: serverSyncs >= 20 }).toEqual({ pgliteSyncs: 0, serverSyncs: true });
      const [row] = await db.query<{ n: number }>('SELECT count(*) AS n FROM t');
      expect(row?.n).toBe(20);
    } finally {
      await db.close();
    }
  });

  it('refuses a second hub process on the same directory with a clear message', async () => {
    const made = await hubDir();
    temp = made.temp;
    const first = await startHubProcess(made.configFile);
    const second = startHubProcess(made.configFile);
    await expect(second).rejects.toThrow(/another hub process is already running on this directory/);
    expect(first.process.exitCode).toBeNull();
    first.process.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    // Stopped cleanly: the server went with it, and a new hub starts on the same directory.
    const log = await readFile(hubPaths(await readHubConfig(made.configFile)).postgresLog, 'utf8');
    expect(log).toContain('database system is shut down');
    await expect(startHubProcess(made.configFile)).resolves.toBeDefined();
  }, 180_000);

  it('exits with 1 when its PostgreSQL dies under it, and starts again on the same directory', async () => {
    const made = await hubDir();
    temp = made.temp;
    const hub = await startHubProcess(made.configFile);
    const config = await readHubConfig(made.configFile);
    const postmaster = await readFile(join(hubPaths(config).postgres, 'postmaster.pid'), 'utf8');
    process.kill(Number(postmaster.split('\n')[0]), 'SIGKILL');
    // Nothing can be committed any more: the hub says why and exits, for systemd to restart it.
    expect(await hub.exited).toBe(1);
    expect(hub.output()).toContain("fatal: the hub's PostgreSQL server");
    await expect(startHubProcess(made.configFile)).resolves.toBeDefined();
  }, 180_000);

  it('refuses to start an empty PostgreSQL beside an older hub’s PGlite data, and says what to do', async () => {
    const made = await hubDir();
    temp = made.temp;
    const config = await readHubConfig(made.configFile);
    const pglite = await openDatabase({ dataDir: hubPaths(config).pglite });
    await pglite.close();
    await expect(openDatabase(storeConfigOf(config))).rejects.toMatchObject({
      code: HubErrorCode.PgliteDataFound,
      message: expect.stringContaining('"embeddedDatabase": "pglite"'),
    });
    const kept = await openDatabase(storeConfigOf({ ...config, embeddedDatabase: 'pglite' }));
    expect(kept.engine).toBe('pglite');
    await kept.close();
  });
});

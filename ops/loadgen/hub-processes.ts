import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HubConfigInput, HubRole } from '../../hub/config/config.js';
import type { Identity } from '../../protocol/index.js';
import { type ChildServer, startChildServer } from '../bench/_child.js';

/** The hub processes of one load run, each `econsulat hub run` in a process of its own. */
export interface HubProcesses {
  readonly processes: readonly ChildServer[];
  /** CPU seconds (user + system) each process has spent since it started. */
  cpuSeconds(): Promise<number[]>;
  stop(): Promise<void>;
}

// Linux counts a process's CPU time in clock ticks of 1/100 s (USER_HZ, fixed on x86 and arm).
const TICKS_PER_SECOND = 100;

/**
 * Starts `count` hub processes over one PostgreSQL database and one external broker. The first
 * runs every role; the others take the missions' envelopes only (`ingest`), as a ministry adds
 * ingest capacity. Each has its own directory with the same hub key.
 */
export async function startHubProcesses(options: {
  count: number;
  dir: string;
  hub: Identity;
  databaseUrl: string;
  brokerUrl: string;
}): Promise<HubProcesses> {
  const processes: ChildServer[] = [];
  try {
    for (let i = 0; i < options.count; i++) {
      const dataDir = join(options.dir, `hub-${i + 1}`);
      await mkdir(join(dataDir, 'keys'), { recursive: true, mode: 0o700 });
      await writeFile(join(dataDir, 'keys', 'hub.key'), options.hub.exportSecret(), { mode: 0o600 });
      const roles: HubRole[] = i === 0 ? ['ingest', 'web', 'jobs'] : ['ingest'];
      const config: HubConfigInput = {
        dataDir,
        databaseUrl: options.databaseUrl,
        mqtt: { mode: 'external', url: options.brokerUrl },
        http: { host: '127.0.0.1', port: 0 },
        roles,
        logLevel: 'warn',
      };
      const configPath = join(dataDir, 'hub.json');
      await writeFile(configPath, JSON.stringify(config, null, 2), { mode: 0o600 });
      processes.push(await startChildServer(['ops/bin/econsulat.js', 'hub', 'run', '--config', configPath]));
    }
  } catch (error) {
    await Promise.all(processes.map((child) => child.stop()));
    throw error;
  }
  return {
    processes,
    cpuSeconds: () => Promise.all(processes.map((child) => cpuSecondsOf(child.pid))),
    async stop() {
      await Promise.all(processes.map((child) => child.stop()));
    },
  };
}

/** utime + stime of a process from /proc/<pid>/stat (fields 14 and 15, after the command's name). */
async function cpuSecondsOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

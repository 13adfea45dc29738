import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HubConfigInput, HubRole } from '../../hub/config/config.js';
import type { Identity } from '../../protocol/index.js';
import { type ChildServer, cpuSecondsOf, startChildServer } from '../bench/_child.js';

/** The hub processes of one load run, each `econsulat hub run` in a process of its own. */
export interface HubProcesses {
  readonly processes: readonly ChildServer[];
  /** CPU seconds (user + system) each process has spent since it started. */
  cpuSeconds(): Promise<number[]>;
  stop(): Promise<void>;
}

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

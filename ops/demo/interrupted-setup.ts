import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { hubPaths } from '../../hub/config/config.js';
import { clearStalePostmaster } from '../../hub/db/embedded/postmaster-lock.js';
import { DEMO_MISSIONS, type demoLayout } from './demo-plan.js';

/**
 * What an interrupted setup may have left: the recovery key's secret file, the CSCA's folder, the hub's folder (keys,
 * config, a PostgreSQL cluster or initdb's side directory) and the missions' folders, some
 * enrolled, some not.
 */
function setupParts(layout: ReturnType<typeof demoLayout>): string[] {
  return [
    layout.recoveryKeyFile,
    layout.cscaDir,
    layout.hubDir,
    ...DEMO_MISSIONS.map((mission) => layout.missionDir(mission.id)),
  ];
}

/**
 * Clears what a setup that never finished left behind, so the next one starts from nothing: keys
 * from a half-made demo are never reused (a hub key with no hub behind it, missions enrolled at a
 * hub that no longer exists). Its PostgreSQL server, if one survived, is stopped first; a demo
 * still running on this directory is refused instead. Returns whether anything was cleared.
 */
export async function clearInterruptedSetup(layout: ReturnType<typeof demoLayout>): Promise<boolean> {
  const left = setupParts(layout).filter((path) => existsSync(path));
  if (left.length === 0) return false;
  const cluster = hubPaths({ dataDir: layout.hubDir }).postgres;
  if (existsSync(cluster)) await clearStalePostmaster(cluster);
  for (const path of left) await rm(path, { recursive: true, force: true });
  return true;
}

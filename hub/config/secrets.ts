import { readFile, stat } from 'node:fs/promises';
import { type Identity, importKeyFile, ready } from '../../protocol/index.js';
import { type HubConfig, hubPaths } from './config.js';

/** Reads the hub's identity key file (mode 0600), written by `econsulat hub init`. Never logged. */
export async function loadHubIdentity(config: Pick<HubConfig, 'dataDir'>): Promise<Identity> {
  await ready();
  const path = hubPaths(config).identityKey;
  const info = await stat(path);
  return importKeyFile(await readFile(path, 'utf8'), info.mode, path);
}

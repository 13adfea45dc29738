import { readFile, stat } from 'node:fs/promises';
import { type Identity, importKeyFile, ready } from '../../protocol/index.js';
import { loadDataKey } from '../crypto/key-file.js';
import { type NodeConfig, nodePaths } from './config.js';

/** The node's secrets, read from files outside the database. Never logged. */
export interface NodeSecrets {
  readonly identity: Identity;
  readonly dataKey: Uint8Array;
}

/** Reads the identity and data key files that `econsulat node init` created. */
export async function loadNodeSecrets(config: Pick<NodeConfig, 'dataDir'>): Promise<NodeSecrets> {
  await ready();
  const paths = nodePaths(config);
  const info = await stat(paths.identityKey);
  const identity = importKeyFile(await readFile(paths.identityKey, 'utf8'), info.mode, paths.identityKey);
  return { identity, dataKey: await loadDataKey(paths.dataKey) };
}

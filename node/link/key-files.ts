import { existsSync, linkSync, readFileSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { syncToDiskNow } from '../../common/fs/durable-files.js';
import { type Identity, importKeyFile } from '../../protocol/index.js';
import { type NodeConfig, nodePaths } from '../config/config.js';
import type { Store } from '../db/store.js';
import { endRotation, pendingRotation } from './key-rotation.js';
import type { LinkContext } from './link-context.js';
import { loadTrustMaterial } from './trust-material.js';

/** Where a rotation keeps its files, beside the key in force. */
export function rotationPaths(config: Pick<NodeConfig, 'dataDir'>) {
  const { identityKey } = nodePaths(config);
  return {
    identityKey,
    nextKey: join(dirname(identityKey), 'identity.next.key'),
    retiredKey: (keyId: string) => join(dirname(identityKey), `identity.${keyId}.retired.key`),
    request: join(config.dataDir, 'key-rotation-request.json'),
  };
}

/** Reads a key file (refusing one others can read), or undefined when there is none. */
export function readKeyFileIfAny(path: string): Identity | undefined {
  if (!existsSync(path)) return undefined;
  return importKeyFile(readFileSync(path, 'utf8'), statSync(path).mode, path);
}

/**
 * Puts the new key in force once the stored certificate is its own: identity.next.key becomes
 * identity.key, the old key is kept beside it as identity.<key id>.retired.key (never deleted),
 * the directory is synced, and only then is the rotation closed, so that a crash at any point
 * leaves the sender stopped or the new key in force, never the old key sealing again. Safe to
 * call at every start. Returns the key in force afterwards.
 */
export function promoteNextKey(config: Pick<NodeConfig, 'dataDir'>, store: Store): Identity | undefined {
  const paths = rotationPaths(config);
  const current = readKeyFileIfAny(paths.identityKey);
  const next = readKeyFileIfAny(paths.nextKey);
  const certified = loadTrustMaterial(store)?.certificate.subject.keyId;
  if (current && next && certified === next.keyId) {
    const retired = paths.retiredKey(current.keyId);
    if (!existsSync(retired)) linkSync(paths.identityKey, retired);
    renameSync(paths.nextKey, paths.identityKey);
    syncToDiskNow(dirname(paths.identityKey));
    endRotation(store.db);
    return next;
  }
  // A rotation cut short after the swap: the key in force is already the certified one.
  if (current && certified === current.keyId && pendingRotation(store.db)?.nextKeyId === current.keyId)
    endRotation(store.db);
  return current;
}

/**
 * After the link applied a message: when it was the certificate of the rotation under way, the new
 * key goes in force in the running link (it seals, opens and logs in to the broker with it from
 * now on). Returns whether the key changed.
 */
export function adoptCertifiedKey(config: Pick<NodeConfig, 'dataDir'>, ctx: LinkContext): boolean {
  if (!pendingRotation(ctx.store.db)?.certified) return false;
  // The receiving transaction already gave the link the new key (acceptRotatedCertificate): what
  // changes here is the key file, compared with the one on disk before.
  const before = readKeyFileIfAny(rotationPaths(config).identityKey)?.keyId;
  const inForce = promoteNextKey(config, ctx.store);
  if (!inForce || inForce.keyId === before) return false;
  // The context is shared with the link, which reads `self` at every seal, open and connection.
  Object.assign(ctx, { self: inForce });
  return true;
}

import { readFile, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { CodedError } from '../../common/errors/coded-error.js';
import { syncToDisk, writeFileDurably } from '../../common/fs/durable-files.js';
import { pathExists } from '../../common/fs/path-exists.js';
import { type NodeConfig, nodePaths } from '../../node/config/config.js';
import { loadNodeSecrets } from '../../node/config/secrets.js';
import { openStore } from '../../node/db/store.js';
import { promoteNextKey, readKeyFileIfAny, rotationPaths } from '../../node/link/key-files.js';
import { beginRotation, pendingRotation } from '../../node/link/key-rotation.js';
import { importEnrolment, loadTrustMaterial } from '../../node/link/trust-material.js';
import {
  createKeyRotationRequest,
  enrolmentBundleSchema,
  fingerprintMatches,
  Identity,
  keyFingerprint,
  normaliseFingerprint,
  publicIdentityFromJson,
} from '../../protocol/index.js';
import { readKeyFile, writeKeyFile } from '../keys/key-file.js';
import { reportErrors } from './report-errors.js';
import { UsageError } from './usage-error.js';

/** `econsulat node rotate-keys`: a new identity for the mission, certified by the hub. */
export function registerNodeKeyCommands(
  nodeCommand: Command,
  readConfig: (path: string) => Promise<NodeConfig>,
) {
  nodeCommand
    .command('rotate-keys')
    .description('make a new identity for the mission and the request the hub certifies it from')
    .requiredOption('--config <file>', 'the node’s config file')
    .addHelpText(
      'after',
      '\nThe new key is written first (keys/identity.next.key, mode 0600); from then on the old key' +
        '\nseals nothing more for the hub. Carry key-rotation-request.json to the ministry, which runs' +
        '\n`econsulat hub enrol --rotate --expect-old-key <old key id>`; then import the bundle with' +
        '\n`econsulat node import-enrolment`. The node keeps serving its users throughout.',
    )
    .action((options: { config: string }) =>
      reportErrors(async () => rotateKeys(await readConfig(options.config))),
    );
}

async function rotateKeys(config: NodeConfig): Promise<void> {
  const paths = rotationPaths(config);
  const secrets = await loadNodeSecrets(config);
  const store = await openStore({ path: nodePaths(config).database, dataKey: secrets.dataKey });
  try {
    if (!loadTrustMaterial(store)) throw new UsageError('the mission is not enrolled yet: nothing to rotate');
    const under = pendingRotation(store.db);
    const nextOnDisk = readKeyFileIfAny(paths.nextKey);
    if (under) {
      if (nextOnDisk?.keyId !== under.nextKeyId)
        throw new UsageError(
          `a rotation is under way but its new key ${under.nextKeyId} is not in ${paths.nextKey}: ` +
            'restore that file from the backup of keys/, or call the ministry',
        );
      // Run again after a crash, the command finishes the paperwork: the request is written again
      // (the same bytes: its signatures are deterministic), in case the crash came before it was.
      const request = createKeyRotationRequest(
        secrets.identity,
        nextOnDisk,
        config.missionName,
        new Date(under.startedAt),
        under.lastSeq,
      );
      await writeFileDurably(paths.request, `${JSON.stringify(request, null, 2)}\n`);
      process.stdout.write(
        `a rotation is already under way (new key ${under.nextKeyId}); its request is in ${paths.request}:\n` +
          'a running node sends it itself; otherwise carry it to the ministry and import the bundle.\n',
      );
      return;
    }
    if (nextOnDisk) {
      // A new key the previous run wrote before a crash, before any request named it: never sent,
      // never certified. It goes; a new one is made.
      await unlink(paths.nextKey);
      process.stdout.write(`an unfinished rotation's key ${nextOnDisk.keyId} was never sent: discarded\n`);
    }
    // The new key is on disk, synced, before anything names it: a crash never loses a key the hub certified.
    const next = Identity.generate(config.missionId);
    await writeKeyFile(paths.nextKey, next);
    await syncToDisk(dirname(paths.nextKey));
    const { pending, request } = beginRotation(store, secrets.identity, next, config.missionName, new Date());
    await writeFileDurably(paths.request, `${JSON.stringify(request, null, 2)}\n`);
    process.stdout.write(
      [
        `new key made for ${config.missionId}; request written to ${paths.request}`,
        `  old key id (--expect-old-key)  ${secrets.identity.keyId}`,
        `  new key id                     ${next.keyId}`,
        `  new key fingerprint            ${keyFingerprint(next)}`,
        `  last sequence of the old key   ${pending.lastSeq}`,
        'A running node connected to the hub sends the request itself and puts the new key in force',
        'when the certificate comes back. Otherwise carry the request to the ministry; until the',
        'bundle is imported the node sends nothing more to the hub (it keeps serving its users).',
        '',
      ].join('\n'),
    );
  } finally {
    store.close();
  }
}

/** What `node import-enrolment` checks beyond the bundle's own signatures. */
export interface ImportOptions {
  /** The hub's fingerprint as read by phone: a bundle naming another hub key is refused. */
  readonly expectHub?: string;
}

/** A refusal of a bundle: the operator's to fix. */
export class BundleRefused extends CodedError<'bundle_refused'> {
  override readonly name = 'BundleRefused';

  constructor(message: string) {
    super('bundle_refused', message);
  }
}

/**
 * Imports an enrolment bundle: a first enrolment, or the certificate of a rotation, which puts the
 * new key in force (the old key file is kept as identity.<key id>.retired.key). Returns the
 * certified key and the hub's, for the operator to compare.
 */
export async function importBundleFile(
  config: NodeConfig,
  input: unknown,
  options: ImportOptions = {},
): Promise<{ mission: Identity; hubFingerprint: string; rotated: boolean }> {
  if (options.expectHub !== undefined && normaliseFingerprint(options.expectHub) === null)
    throw new UsageError('--expect-hub is a fingerprint: eight groups of four characters (A–Z, 2–7)');
  const parsed = enrolmentBundleSchema.safeParse(input);
  if (!parsed.success) throw new BundleRefused('not an enrolment bundle');
  const hub = publicIdentityFromJson(parsed.data.hub);
  if (options.expectHub !== undefined && !fingerprintMatches(options.expectHub, hub))
    throw new BundleRefused(
      `the bundle names hub key ${keyFingerprint(hub)}, not the expected ${options.expectHub}: do not import it, call the ministry`,
    );
  const paths = rotationPaths(config);
  const secrets = await loadNodeSecrets(config);
  const store = await openStore({ path: nodePaths(config).database, dataKey: secrets.dataKey });
  try {
    const pinned = loadTrustMaterial(store)?.hub;
    if (pinned && pinned.keyId !== hub.keyId && options.expectHub === undefined)
      throw new BundleRefused(
        `the bundle names hub key ${keyFingerprint(hub)}, not the pinned ${keyFingerprint(pinned)}: ` +
          'to change hubs, confirm its fingerprint by phone and pass --expect-hub',
      );
    const certifiedKeyId = parsed.data.certificate.subject.keyId;
    const next = (await pathExists(paths.nextKey)) ? await readKeyFile(paths.nextKey) : undefined;
    if (next && certifiedKeyId === next.keyId) {
      importEnrolment(store, next, parsed.data);
      promoteNextKey(config, store);
      await unlink(paths.request).catch(() => undefined);
      return { mission: next, hubFingerprint: keyFingerprint(hub), rotated: true };
    }
    importEnrolment(store, secrets.identity, parsed.data);
    // A rotation cut short after its key was put in force: this closes it.
    promoteNextKey(config, store);
    return { mission: secrets.identity, hubFingerprint: keyFingerprint(hub), rotated: false };
  } finally {
    store.close();
  }
}

/** Reads a bundle file; the caller validates it. */
export async function readBundleFile(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, 'utf8'));
}

import {
  type OffsiteManifest,
  type OffsiteStatus,
  type PublicIdentity,
  publicIdentityToJson,
  splitAddresses,
  verifyOffsiteManifest,
} from '../../../protocol/index.js';
import type { Queryable } from '../../db/database.js';
import { splitAddressesSql, statusOf } from './generation-state.js';
import type { OffsiteSettings } from './offsite-settings.js';

/** Who sent a manifest, as the link proved it, and when the hub took it. */
export interface ManifestSender {
  readonly missionId: string;
  /** The mission's key in force: the manifest must be signed with it. */
  readonly key: PublicIdentity;
  readonly now: Date;
}

type Refusal = Extract<OffsiteStatus, { state: 'refused' }>['reason'];

/**
 * An offsite.manifest, inside the ingest transaction: checked (signature, mission, recovery key,
 * size, generation), kept as pending with what the hub lacks of it, and answered. The same
 * manifest again (a resume, a redelivery) answers where its generation stands and changes nothing.
 * Without off-site settings (no recovery key configured) every manifest is `recovery_key_unknown`.
 */
export async function takeManifest(
  tx: Queryable,
  manifest: OffsiteManifest,
  sender: ManifestSender,
  settings: OffsiteSettings | undefined,
): Promise<OffsiteStatus> {
  const { generation } = manifest;
  const refuse = (reason: Refusal): OffsiteStatus => ({ state: 'refused', generation, reason });
  if (manifest.missionId !== sender.missionId || !verifyOffsiteManifest(manifest, sender.key.signPublicKey))
    return refuse('bad_signature');
  if (!settings || manifest.recoveryKeyId !== settings.recoveryKeyId) return refuse('recovery_key_unknown');
  const addresses = addressesOf(manifest);
  if (
    !addresses ||
    addresses.length > settings.maxGenerationChunks ||
    manifest.bytes > settings.maxGenerationBytes
  )
    return refuse('too_large');
  // The retention takes the mission's row before deleting chunks no generation names: taken here
  // first, a chunk this generation counts as held cannot be deleted before it is committed.
  await tx.query('SELECT id FROM missions WHERE id = $1 FOR UPDATE', [sender.missionId]);
  const held = await heldGeneration(tx, sender.missionId, generation);
  if (held?.signature === manifest.signature) return statusOf(tx, sender.missionId, generation, sender.now);
  // Not above what the hub holds: a replay, or a node restored from an older backup.
  if (generation <= (await highestGeneration(tx, sender.missionId))) return refuse('stale_generation');
  await dropSupersededPending(tx, sender.missionId, generation);
  await insertGeneration(tx, manifest, addresses, sender);
  return statusOf(tx, sender.missionId, generation, sender.now);
}

/** The distinct addresses the manifest names, or null when its lists are not well formed. */
function addressesOf(manifest: OffsiteManifest): Uint8Array[] | null {
  try {
    const chunks = new Map(splitAddresses(manifest.chunks).map((a) => [Buffer.from(a).toString('hex'), a]));
    // The sealed manifest is what a restore reads first: its chunks must be among those sent.
    const own = splitAddresses(manifest.manifestChunks);
    if (!own.every((a) => chunks.has(Buffer.from(a).toString('hex')))) return null;
    return [...chunks.values()];
  } catch {
    return null;
  }
}

async function heldGeneration(tx: Queryable, missionId: string, generation: number) {
  const [row] = await tx.query<{ signature: string }>(
    `SELECT manifest->>'signature' AS signature FROM offsite_generations
      WHERE mission_id = $1 AND generation = $2`,
    [missionId, generation],
  );
  return row;
}

async function highestGeneration(tx: Queryable, missionId: string): Promise<number> {
  const [row] = await tx.query<{ top: number | null }>(
    'SELECT max(generation) AS top FROM offsite_generations WHERE mission_id = $1',
    [missionId],
  );
  return Number(row?.top ?? 0);
}

/** A newer generation replaces the transfer of an older one the node gave up on. */
async function dropSupersededPending(tx: Queryable, missionId: string, generation: number): Promise<void> {
  await tx.query(
    `DELETE FROM offsite_generations WHERE mission_id = $1 AND state = 'pending' AND generation < $2`,
    [missionId, generation],
  );
}

async function insertGeneration(
  tx: Queryable,
  manifest: OffsiteManifest,
  addresses: readonly Uint8Array[],
  sender: ManifestSender,
): Promise<void> {
  const joined = Buffer.concat(addresses);
  await tx.query(
    `INSERT INTO offsite_generations
       (mission_id, generation, state, created_at, received_at, bytes, chunk_count, addresses, manifest,
        signing_key)
     VALUES ($1, $2, 'pending', $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb)`,
    [
      sender.missionId,
      manifest.generation,
      manifest.createdAt,
      sender.now,
      manifest.bytes,
      addresses.length,
      joined,
      JSON.stringify(manifest),
      JSON.stringify(publicIdentityToJson(sender.key)),
    ],
  );
  await tx.query(
    `INSERT INTO offsite_missing (mission_id, address, generation)
     SELECT $1, named.address, $3 FROM (${splitAddressesSql('$2::bytea')}) AS named
      WHERE NOT EXISTS (SELECT 1 FROM offsite_chunks c WHERE c.mission_id = $1 AND c.address = named.address)`,
    [sender.missionId, joined, manifest.generation],
  );
}

import type { OffsiteManifest, PublicIdentityJson } from '../../../protocol/index.js';
import type { Queryable } from '../../db/database.js';

/** One generation as the restore lists them. */
export interface GenerationListing {
  readonly generation: number;
  readonly createdAt: string;
  readonly completedAt: string | null;
  readonly bytes: number;
  readonly state: 'pending' | 'stored';
}

/** A generation's signed manifest, and the mission's key it was verified under when it came. */
export interface GenerationManifest {
  readonly manifest: OffsiteManifest;
  readonly signingKey: PublicIdentityJson;
  readonly state: 'pending' | 'stored';
}

/** A mission's generations, newest first. */
export async function listGenerations(db: Queryable, missionId: string): Promise<GenerationListing[]> {
  const rows = await db.query<{
    generation: number;
    created_at: Date;
    completed_at: Date | null;
    bytes: number;
    state: 'pending' | 'stored';
  }>(
    `SELECT generation, created_at, completed_at, bytes, state FROM offsite_generations
      WHERE mission_id = $1 ORDER BY generation DESC`,
    [missionId],
  );
  return rows.map((row) => ({
    generation: Number(row.generation),
    createdAt: row.created_at.toISOString(),
    completedAt: row.completed_at?.toISOString() ?? null,
    bytes: Number(row.bytes),
    state: row.state,
  }));
}

/** One generation's manifest, or undefined. */
export async function readManifest(
  db: Queryable,
  missionId: string,
  generation: number,
): Promise<GenerationManifest | undefined> {
  const [row] = await db.query<{
    manifest: OffsiteManifest;
    signing_key: PublicIdentityJson;
    state: 'pending' | 'stored';
  }>(
    'SELECT manifest, signing_key, state FROM offsite_generations WHERE mission_id = $1 AND generation = $2',
    [missionId, generation],
  );
  return row ? { manifest: row.manifest, signingKey: row.signing_key, state: row.state } : undefined;
}

/** A sealed chunk of the mission by its address, or undefined. */
export async function readChunk(
  db: Queryable,
  missionId: string,
  address: Uint8Array,
): Promise<Uint8Array | undefined> {
  const [row] = await db.query<{ data: Uint8Array }>(
    'SELECT data FROM offsite_chunks WHERE mission_id = $1 AND address = $2',
    [missionId, address],
  );
  return row?.data;
}

/** What each mission's off-site backups take on the hub's disk. */
export async function diskUseByMission(
  db: Queryable,
): Promise<{ missionId: string; chunks: number; bytes: number }[]> {
  const rows = await db.query<{ mission_id: string; chunks: number; bytes: number | string }>(
    'SELECT mission_id, count(*) AS chunks, sum(size)::bigint AS bytes FROM offsite_chunks GROUP BY mission_id',
  );
  return rows.map((row) => ({
    missionId: row.mission_id,
    chunks: Number(row.chunks),
    bytes: Number(row.bytes),
  }));
}

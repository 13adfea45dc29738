import {
  chunkAddress,
  type Identity,
  OFFSITE_STATUS,
  type OffsiteStatus,
  type PublicIdentity,
} from '../../../protocol/index.js';
import type { Database, Queryable } from '../../db/database.js';
import { sealAndHold } from '../outbound.js';
import { isLacking, markStored } from './generation-state.js';

/** What became of one chunk frame. */
export type ChunkOutcome =
  /** Written: a pending generation lacked it. `completed` are the generations it made whole. */
  | {
      readonly kept: true;
      readonly address: Uint8Array;
      /** The newest generation that lacked it: the one its acknowledgement names. */
      readonly generation: number;
      readonly completed: readonly { readonly status: OffsiteStatus; readonly envelope?: Uint8Array }[];
    }
  /**
   * Not written: no pending generation lacks it (a flipped byte, another mission's chunk, a chunk
   * resent after the hub took it). `ackGeneration` is set when the hub holds it already and a
   * generation is pending: acknowledging it again spares the node a resend.
   */
  | { readonly kept: false; readonly address: Uint8Array; readonly ackGeneration?: number };

/** The hub and the mission's key in force: to seal the `stored` status of a generation made whole. */
export interface StatusSealer {
  readonly hub: Identity;
  readonly mission: PublicIdentity;
}

/**
 * One sealed chunk from a mission's backup topic, in one transaction: its address is computed here
 * (never taken from the sender), and it is written only if a pending generation of that mission
 * lacks that address. A generation left lacking nothing becomes stored; its `stored` status is then
 * held on the channel in a transaction of its own, so that no chunk's transaction waits for the
 * channel's row while holding the generations' (the ingest takes them the other way round). Were
 * the hub to stop between the two, the node's manifest, sent again, is answered `stored`. The
 * mission's pending generations are locked first, so that two hub processes storing its last two
 * chunks cannot both miss the moment it became whole.
 */
export async function storeChunk(
  db: Database,
  missionId: string,
  chunk: Uint8Array,
  now: Date,
  sealer?: StatusSealer,
): Promise<ChunkOutcome> {
  const address = chunkAddress(chunk);
  const outcome = await db.transaction((tx) => keepIfLacked(tx, missionId, address, chunk, now));
  if (!outcome.kept || !sealer || outcome.completed.length === 0) return outcome;
  const completed = [];
  for (const { status } of outcome.completed) {
    const { envelope } = await db.transaction((tx) =>
      sealAndHold(tx, sealer.hub, sealer.mission, OFFSITE_STATUS, status, now.getTime()),
    );
    completed.push({ status, envelope });
  }
  return { ...outcome, completed };
}

async function keepIfLacked(
  tx: Queryable,
  missionId: string,
  address: Uint8Array,
  chunk: Uint8Array,
  now: Date,
): Promise<ChunkOutcome> {
  const pending = await lockPending(tx, missionId);
  if (pending.length === 0) return { kept: false, address };
  const lacking = await tx.query<{ generation: number }>(
    'DELETE FROM offsite_missing WHERE mission_id = $1 AND address = $2 RETURNING generation',
    [missionId, address],
  );
  if (lacking.length === 0) return notKept(tx, missionId, address, pending);
  await tx.query(
    `INSERT INTO offsite_chunks (mission_id, address, size, data, stored_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (mission_id, address) DO NOTHING`,
    [missionId, address, chunk.length, chunk, now],
  );
  const generations = lacking.map((row) => Number(row.generation)).sort((a, b) => b - a);
  const generation = generations[0] ?? 0;
  await tx.query(
    `UPDATE offsite_generations SET bytes_received = bytes_received + $3
      WHERE mission_id = $1 AND generation = $2`,
    [missionId, generation, chunk.length],
  );
  const completed = [];
  // A probe per chunk; the list of what is missing is read only for a manifest.
  for (const each of generations) {
    if (!(await isLacking(tx, missionId, each)))
      completed.push({ status: await markStored(tx, missionId, each, now) });
  }
  return { kept: true, address, generation, completed };
}

async function lockPending(tx: Queryable, missionId: string): Promise<number[]> {
  const rows = await tx.query<{ generation: number }>(
    `SELECT generation FROM offsite_generations WHERE mission_id = $1 AND state = 'pending'
      ORDER BY generation DESC FOR UPDATE`,
    [missionId],
  );
  return rows.map((row) => Number(row.generation));
}

async function notKept(
  tx: Queryable,
  missionId: string,
  address: Uint8Array,
  pending: readonly number[],
): Promise<ChunkOutcome> {
  const [held] = await tx.query('SELECT 1 FROM offsite_chunks WHERE mission_id = $1 AND address = $2', [
    missionId,
    address,
  ]);
  const newest = pending[0];
  return held && newest !== undefined
    ? { kept: false, address, ackGeneration: newest }
    : { kept: false, address };
}
